namespace MantisShrimp.Kernels.Inpaint;

/// <summary>
/// Telea's fast-marching inpainting (A. Telea, "An Image Inpainting Technique Based on the Fast Marching Method",
/// J. Graphics Tools 9(1), 2004) exactly as OpenCV 4 implements it for one-channel 32-bit float images
/// (modules/photo/src/inpaint.cpp, <c>cv::inpaint(src, mask, r, INPAINT_TELEA)</c>), which is what the published
/// Mantis Shrimp pipeline runs on PS1 NaNs (preprocess.NAN_interpolation2, radius 3). OpenCV's float path keeps the
/// quirks of its 8-bit original, and so does this: each filled value is Σw·I/Σw + (Jx+Jy)/(|J|+1e-20) + 0.5 (the
/// +0.5 was rounding for uchar) and its image gradients are doubled central differences. (OpenCV 3 also never filled the
/// image's first row and column; OpenCV 4 does — this follows 4.) Tested against python3-opencv 4.6 in the conformance tests.
/// Plain arrays, no allocation beyond the work planes and the queue: a routine a kernel can host per plane.
/// </summary>
public static class TeleaInpaint
{
    // Cell states of OpenCV's fast marching (inpaint.cpp): KNOWN, BAND (narrow band, known), INSIDE (unknown), CHANGE (service).
    private const byte Known = 0, Band = 1, Inside = 2, Change = 3;

    /// <summary>OpenCV's initial distance of every cell (cvSet(t, 1.0e6f)).</summary>
    private const float FarDistance = 1.0e6f;

    /// <summary>Fills the NaN pixels of a row-major height × width image in place (the mask is isnan).</summary>
    public static void InpaintNaN(Span<float> image, int width, int height, int radius)
    {
        var mask = new bool[width * height];
        bool any = false;
        for (int i = 0; i < mask.Length; i++) any |= mask[i] = float.IsNaN(image[i]);
        if (any) Inpaint(image, mask, width, height, radius);
    }

    /// <summary>cv::inpaint(image, mask, radius, INPAINT_TELEA) in place; <paramref name="mask"/> true = to fill.</summary>
    public static void Inpaint(Span<float> image, ReadOnlySpan<bool> mask, int width, int height, int radius)
    {
        if (image.Length != width * height || mask.Length != image.Length)
            throw new ArgumentException("image and mask must be width × height");
        int range = Math.Clamp(radius, 1, 100);
        int rows = height + 2, cols = width + 2, n = rows * cols; // work planes with a one-cell border, as OpenCV's
        var f = new byte[n];
        var t = new float[n];
        Array.Fill(t, FarDistance);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (mask[y * width + x]) f[(y + 1) * cols + x + 1] = Inside;
        ClearBorder(f, rows, cols);
        // The narrow band: the cross-dilated mask minus the mask.
        var band = Dilate(f, rows, cols, 1, cross: true);
        for (int i = 0; i < n; i++) if (f[i] != 0) band[i] = 0;
        ClearBorder(band, rows, cols);
        var heap = new Queue(n);
        for (int i = 0; i < n; i++)
            if (band[i] != 0) { heap.Push(i, 0f); t[i] = 0f; }
        // Distances outside the mask (negated), over the ring the neighbourhood reaches: icvCalcFMM(out, t, Out, negate).
        var ring = Dilate(f, rows, cols, range, cross: false);
        var outer = new Queue(n);
        for (int i = 0; i < n; i++) if (band[i] != 0) outer.Push(i, 0f);
        for (int i = 0; i < n; i++) if (f[i] != 0 || band[i] != 0) ring[i] = 0;
        ClearBorder(ring, rows, cols);
        MarchOutside(ring, t, outer, rows, cols);
        // The inpainting march over the mask (OpenCV passes the mask itself as the state plane).
        var state = f;
        Span<int> neighbours = stackalloc int[4];
        while (heap.Pop(out int at))
        {
            state[at] = Known;
            int ii = at / cols, jj = at % cols;
            for (int q = 0; q < 4; q++)
            {
                int i = q == 0 ? ii - 1 : q == 2 ? ii + 1 : ii, j = q == 1 ? jj - 1 : q == 3 ? jj + 1 : jj;
                if (i <= 0 || j <= 0 || i > rows - 1 || j > cols - 1) continue;
                int c = i * cols + j;
                if (state[c] != Inside) continue;
                float dist = Min4(Solve(i - 1, j, i, j - 1, state, t, cols), Solve(i + 1, j, i, j - 1, state, t, cols),
                    Solve(i - 1, j, i, j + 1, state, t, cols), Solve(i + 1, j, i, j + 1, state, t, cols));
                t[c] = dist;
                image[(i - 1) * width + j - 1] = Fill(image, state, t, width, rows, cols, i, j, range);
                state[c] = Band;
                heap.Push(c, dist);
            }
        }
    }

    /// <summary>One filled value: icvTeleaInpaintFMM&lt;float&gt;'s 1-channel body in its arithmetic (float, double where cast).</summary>
    private static float Fill(Span<float> img, byte[] f, float[] t, int width, int rows, int cols, int i, int j, int range)
    {
        // OpenCV's out(y, x) is img[y * width + x], the image at work cell (y+1, x+1).
        bool Unknown(int y, int x) => f[y * cols + x] == Inside;
        float T(int y, int x) => t[y * cols + x];
        float gradTx = !Unknown(i, j + 1)
            ? (!Unknown(i, j - 1) ? (T(i, j + 1) - T(i, j - 1)) * 0.5f : T(i, j + 1) - T(i, j))
            : (!Unknown(i, j - 1) ? T(i, j) - T(i, j - 1) : 0f);
        float gradTy = !Unknown(i + 1, j)
            ? (!Unknown(i - 1, j) ? (T(i + 1, j) - T(i - 1, j)) * 0.5f : T(i + 1, j) - T(i, j))
            : (!Unknown(i - 1, j) ? T(i, j) - T(i - 1, j) : 0f);
        float ia = 0, jx = 0, jy = 0, s = 1.0e-20f;
        for (int k = i - range; k <= i + range; k++)
        {
            int km = k - 1 + (k == 1 ? 1 : 0), kp = k - 1 - (k == rows - 2 ? 1 : 0);
            for (int l = j - range; l <= j + range; l++)
            {
                int lm = l - 1 + (l == 1 ? 1 : 0), lp = l - 1 - (l == cols - 2 ? 1 : 0);
                if (!(k > 0 && l > 0 && k < rows - 1 && l < cols - 1)) continue;
                if (Unknown(k, l) || (l - j) * (l - j) + (k - i) * (k - i) > range * range) continue;
                float ry = i - k, rx = j - l;
                float length = rx * rx + ry * ry;
                float dst = (float)(1.0 / (length * Math.Sqrt(length)));
                float lev = (float)(1.0 / (1 + MathF.Abs(T(k, l) - T(i, j))));
                float dir = rx * gradTx + ry * gradTy;
                if (MathF.Abs(dir) <= 0.01f) dir = 0.000001f;
                float w = MathF.Abs(dst * lev * dir);
                int row = km * width, below = (km - 1) * width, above = (kp + 1) * width; // OpenCV's clamped neighbour rows
                float gradIx = !Unknown(k, l + 1)
                    ? (!Unknown(k, l - 1) ? (img[row + lp + 1] - img[row + lm - 1]) * 2.0f : img[row + lp + 1] - img[row + lm])
                    : (!Unknown(k, l - 1) ? img[row + lp] - img[row + lm - 1] : 0f);
                float gradIy = !Unknown(k + 1, l)
                    ? (!Unknown(k - 1, l) ? (img[above + lm] - img[below + lm]) * 2.0f : img[above + lm] - img[row + lm])
                    : (!Unknown(k - 1, l) ? img[kp * width + lm] - img[below + lm] : 0f);
                ia += w * img[row + lm];
                jx -= w * (gradIx * rx);
                jy -= w * (gradIy * ry);
                s += w;
            }
        }
        return ia / s + (jx + jy) / (MathF.Sqrt(jx * jx + jy * jy) + 1.0e-20f) + 0.5f;
    }

    /// <summary>icvCalcFMM with negate: marches the ring outwards from the band, then negates the distances it set.</summary>
    private static void MarchOutside(byte[] f, float[] t, Queue heap, int rows, int cols)
    {
        while (heap.Pop(out int at))
        {
            f[at] = Change;
            int ii = at / cols, jj = at % cols;
            for (int q = 0; q < 4; q++)
            {
                int i = q == 0 ? ii - 1 : q == 2 ? ii + 1 : ii, j = q == 1 ? jj - 1 : q == 3 ? jj + 1 : jj;
                if (i <= 0 || j <= 0 || i > rows || j > cols) continue;
                int c = i * cols + j;
                if (f[c] != Inside) continue;
                float dist = Min4(Solve(i - 1, j, i, j - 1, f, t, cols), Solve(i + 1, j, i, j - 1, f, t, cols),
                    Solve(i - 1, j, i, j + 1, f, t, cols), Solve(i + 1, j, i, j + 1, f, t, cols));
                t[c] = dist;
                f[c] = Band;
                heap.Push(c, dist);
            }
        }
        for (int c = 0; c < f.Length; c++)
            if (f[c] == Change) { f[c] = Known; t[c] = -t[c]; }
    }

    /// <summary>FastMarching_solve: the eikonal update from two neighbours (double arithmetic, as OpenCV's).</summary>
    private static float Solve(int i1, int j1, int i2, int j2, byte[] f, float[] t, int cols)
    {
        double a11 = t[i1 * cols + j1], a22 = t[i2 * cols + j2], m12 = Math.Min(a11, a22), sol;
        bool known1 = f[i1 * cols + j1] != Inside, known2 = f[i2 * cols + j2] != Inside;
        if (known1)
            sol = known2 ? (Math.Abs(a11 - a22) >= 1.0 ? 1 + m12 : (a11 + a22 + Math.Sqrt(2 - (a11 - a22) * (a11 - a22))) * 0.5) : 1 + a11;
        else
            sol = known2 ? 1 + a22 : 1 + m12;
        return (float)sol;
    }

    private static float Min4(float a, float b, float c, float d) => Math.Min(Math.Min(a, b), Math.Min(c, d));

    private static void ClearBorder(byte[] plane, int rows, int cols)
    {
        for (int x = 0; x < cols; x++) plane[x] = plane[(rows - 1) * cols + x] = 0;
        for (int y = 0; y < rows; y++) plane[y * cols] = plane[y * cols + cols - 1] = 0;
    }

    /// <summary>Binary dilation (cvDilate) by a 3×3 cross or a (2r+1)² square; outside the plane counts as empty.</summary>
    private static byte[] Dilate(byte[] src, int rows, int cols, int r, bool cross)
    {
        var dst = new byte[src.Length];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++)
            {
                byte v = 0;
                for (int dy = -r; dy <= r && v == 0; dy++)
                    for (int dx = -r; dx <= r; dx++)
                    {
                        if (cross && dx != 0 && dy != 0) continue;
                        int yy = y + dy, xx = x + dx;
                        if (yy < 0 || xx < 0 || yy >= rows || xx >= cols) continue;
                        if (src[yy * cols + xx] > v) v = src[yy * cols + xx];
                    }
                dst[y * cols + x] = v;
            }
        return dst;
    }

    /// <summary>
    /// OpenCV's CvPriorityQueueFloat: smallest T first, equal T in the order pushed (its sorted list inserts after the
    /// last element with T ≤ the new one). A binary heap on (T, push number) pops in the same order.
    /// </summary>
    private sealed class Queue(int capacity)
    {
        private readonly int[] _cell = new int[capacity + 1];
        private readonly float[] _t = new float[capacity + 1];
        private readonly long[] _seq = new long[capacity + 1];
        private int _count;
        private long _pushed;

        public void Push(int cell, float t)
        {
            int i = _count++;
            _cell[i] = cell; _t[i] = t; _seq[i] = _pushed++;
            while (i > 0)
            {
                int parent = (i - 1) / 2;
                if (!Less(i, parent)) break;
                Swap(i, parent);
                i = parent;
            }
        }

        public bool Pop(out int cell)
        {
            cell = -1;
            if (_count == 0) return false;
            cell = _cell[0];
            _count--;
            if (_count > 0)
            {
                _cell[0] = _cell[_count]; _t[0] = _t[_count]; _seq[0] = _seq[_count];
                int i = 0;
                while (true)
                {
                    int a = 2 * i + 1, b = a + 1, m = i;
                    if (a < _count && Less(a, m)) m = a;
                    if (b < _count && Less(b, m)) m = b;
                    if (m == i) break;
                    Swap(i, m);
                    i = m;
                }
            }
            return true;
        }

        private bool Less(int a, int b) => _t[a] < _t[b] || (_t[a] == _t[b] && _seq[a] < _seq[b]);

        private void Swap(int a, int b)
        {
            (_cell[a], _cell[b]) = (_cell[b], _cell[a]);
            (_t[a], _t[b]) = (_t[b], _t[a]);
            (_seq[a], _seq[b]) = (_seq[b], _seq[a]);
        }
    }
}
