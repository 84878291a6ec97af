using System.Numerics;

namespace MantisShrimp.Engine.Sources;

/// <summary>
/// Detection as sep's <c>extract</c>: the background-subtracted image is convolved with a small kernel, pixels
/// of the filtered image above the threshold are grouped into 8-connected components, and components smaller
/// than the minimum area are dropped.
/// </summary>
public static class Detection
{
    /// <summary>sep's default filter kernel (a 3×3 pyramid), normalised to unit sum as Source Extractor does.</summary>
    public static readonly float[] DefaultKernel = [1, 2, 1, 2, 4, 2, 1, 2, 1];
    public const int DefaultKernelSize = 3;
    /// <summary>Paper §2.3: detection threshold in units of the global background RMS.</summary>
    public const double ThresholdSigma = 2.0;
    /// <summary>sep's default minimum area (pixels).</summary>
    public const int MinArea = 5;

    /// <summary>
    /// Convolution as sep's convolve (convolve.c): the kernel is normalised by the sum of its absolute values
    /// (sep_extract), the image is zero beyond its edges (the kernel is cut off, not renormalised), and invalid
    /// (NaN) pixels count as 0, as sep's masked pixels do (apply_mask_line). Invalid pixels stay NaN.
    /// </summary>
    /// <remarks>
    /// Each output pixel is Σ w·v over the kernel in row-major kernel order, starting from 0, exactly as the
    /// kernel-position-at-a-time loop of the port's first version added them up; here the input is copied into a
    /// zero-padded frame and the whole sum is formed in registers, <see cref="Vector{T}"/> pixels at a time (per pixel
    /// the same multiplications and additions in the same order, no fused multiply-add, so the same bits). The
    /// padding's zeros add +0 to a partial sum, which leaves it unchanged: the sum starts at +0 and a sum of finite
    /// floats that starts at +0 never becomes −0.
    /// </remarks>
    public static float[] Filter(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<float> kernel, int kernelSize)
    {
        var output = new float[width * height];
        Filter(image, width, height, kernel, kernelSize, output, ExtractionBuffers.ForThread());
        return output;
    }

    internal static void Filter(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<float> kernel, int kernelSize,
        Span<float> output, ExtractionBuffers buffers)
    {
        if (image.Length != width * height) throw new ArgumentException($"Image of {image.Length} pixels is not {width}×{height}.");
        if (kernel.Length != kernelSize * kernelSize)
            throw new ArgumentException($"Kernel of {kernel.Length} values is not {kernelSize}².");
        int r = kernelSize / 2;
        float norm = 0;
        foreach (float k in kernel) norm += Math.Abs(k);
        Span<float> conv = stackalloc float[kernel.Length];
        Span<Vector<float>> wide = stackalloc Vector<float>[kernel.Length];
        for (int i = 0; i < kernel.Length; i++) wide[i] = new Vector<float>(conv[i] = kernel[i] / norm);
        // The padded frame: width + 2r columns (plus a vector's slack at the end of each row), height + 2r rows.
        int vl = Vector<float>.Count, pw = width + 2 * r + vl, ph = height + 2 * r;
        var padded = buffers.Padded(pw * ph).AsSpan(0, pw * ph);
        padded.Clear();
        for (int y = 0; y < height; y++)
        {
            var src = image.Slice(y * width, width);
            var dst = padded.Slice((y + r) * pw + r, width);
            for (int x = 0; x < width; x++) dst[x] = float.IsFinite(src[x]) ? src[x] : 0f;
        }
        for (int y = 0; y < height; y++)
        {
            var outRow = output.Slice(y * width, width);
            int x = 0;
            for (; x <= width - vl; x += vl)
            {
                var sum = Vector<float>.Zero;
                for (int cy = 0; cy < kernelSize; cy++)
                {
                    var line = padded.Slice((y + cy) * pw + x, kernelSize + vl);
                    for (int cx = 0; cx < kernelSize; cx++)
                        sum = Vector.Add(sum, Vector.Multiply(wide[cy * kernelSize + cx], new Vector<float>(line[cx..])));
                }
                sum.CopyTo(outRow[x..]);
            }
            for (; x < width; x++)
            {
                float sum = 0f;
                for (int cy = 0; cy < kernelSize; cy++)
                {
                    var line = padded.Slice((y + cy) * pw + x, kernelSize);
                    for (int cx = 0; cx < kernelSize; cx++) sum += conv[cy * kernelSize + cx] * line[cx];
                }
                outRow[x] = sum;
            }
        }
        for (int p = 0; p < width * height; p++) if (!float.IsFinite(image[p])) output[p] = float.NaN;
    }

    /// <summary>
    /// 8-connected components of the pixels (indices into a width×height grid) for which <paramref name="above"/> holds.
    /// </summary>
    public static List<int[]> Components(int width, int height, IEnumerable<int> candidates, Func<int, bool> above, int minArea)
    {
        var inSet = new HashSet<int>();
        foreach (int p in candidates) if (above(p)) inSet.Add(p);
        var seen = new HashSet<int>();
        var result = new List<int[]>();
        var stack = new Stack<int>();
        var ordered = inSet.ToArray();
        Array.Sort(ordered); // deterministic component order: by first pixel in raster order
        foreach (int start in ordered)
        {
            if (!seen.Add(start)) continue;
            var members = new List<int>();
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                members.Add(p);
                int px = p % width, py = p / width;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        if (dx == 0 && dy == 0) continue;
                        int xx = px + dx, yy = py + dy;
                        if ((uint)xx >= (uint)width || (uint)yy >= (uint)height) continue;
                        int q = yy * width + xx;
                        if (inSet.Contains(q) && seen.Add(q)) stack.Push(q);
                    }
            }
            if (members.Count >= minArea)
            {
                var arr = members.ToArray();
                Array.Sort(arr);
                result.Add(arr);
            }
        }
        return result;
    }

    /// <summary>
    /// 8-connected components of the <paramref name="candidates"/> whose value is above <paramref name="threshold"/>
    /// (sep's lutz: value &gt; thresh), each with at least <paramref name="minArea"/> pixels, in raster order of their
    /// first pixel; members sorted. <paramref name="scratch"/> is a width×height array of zeros, left as found.
    /// </summary>
    /// <remarks>
    /// Labelled by a flood fill from each candidate in turn (so labels come in the order of the components' first
    /// candidates), then gathered in one more pass over the candidates, which writes each component's members in
    /// candidate order: sorted when the candidates are (they always are here: the whole image, or an earlier
    /// component), so no member list needs sorting. The fill's stack carries each pixel's column beside it, so no
    /// pixel's coordinates are divided out.
    /// </remarks>
    public static List<int[]> Components(int width, int height, ReadOnlySpan<int> candidates, float[] values, float threshold, int minArea,
        int[] scratch) =>
        Components(width, height, candidates, values, threshold, minArea, scratch, ExtractionBuffers.ForThread());

    internal static List<int[]> Components(int width, int height, ReadOnlySpan<int> candidates, float[] values, float threshold,
        int minArea, int[] scratch, ExtractionBuffers buffers)
    {
        // scratch: 0 not a candidate above the threshold (or already gathered), Above not yet labelled, FirstLabel + k component k.
        const int Above = 1, FirstLabel = 2;
        var result = new List<int[]>();
        int above = 0, previous = -1;
        bool sorted = true;
        foreach (int p in candidates)
        {
            if (values[p] > threshold) { scratch[p] = Above; above++; }
            sorted &= p > previous;
            previous = p;
        }
        if (above == 0) return result;
        var stack = buffers.Stack(2 * above);
        var sizes = buffers.Sizes(above);
        int labels = 0, last = width * height - width;
        foreach (int start in candidates)
        {
            if (scratch[start] != Above) continue;
            int label = FirstLabel + labels, size = 0, top = 0;
            scratch[start] = label;
            stack[top++] = start;
            stack[top++] = start % width;
            while (top > 0)
            {
                int x = stack[--top], p = stack[--top];
                size++;
                int x0 = x > 0 ? -1 : 0, x1 = x < width - 1 ? 1 : 0;
                for (int row = p >= width ? p - width : p; row <= (p < last ? p + width : p); row += width)
                    for (int dx = x0; dx <= x1; dx++)
                    {
                        int q = row + dx;
                        if (scratch[q] == Above) { scratch[q] = label; stack[top++] = q; stack[top++] = x + dx; }
                    }
            }
            sizes[labels++] = size;
        }
        var members = new int[labels][];
        var fill = buffers.Fill(labels);
        for (int k = 0; k < labels; k++)
        {
            fill[k] = 0;
            if (sizes[k] >= minArea) members[k] = new int[sizes[k]];
        }
        foreach (int p in candidates)
        {
            int k = scratch[p] - FirstLabel;
            scratch[p] = 0;
            if (k >= 0 && members[k] is { } m) m[fill[k]++] = p;
        }
        foreach (var m in members)
        {
            if (m is null) continue;
            if (!sorted) Array.Sort(m);
            result.Add(m);
        }
        return result;
    }
}
