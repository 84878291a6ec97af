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
    public static float[] Filter(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<float> kernel, int kernelSize)
    {
        int r = kernelSize / 2;
        float norm = 0;
        foreach (float k in kernel) norm += Math.Abs(k);
        Span<float> conv = stackalloc float[kernel.Length];
        for (int i = 0; i < kernel.Length; i++) conv[i] = kernel[i] / norm;
        var clean = new float[width * height];
        for (int p = 0; p < clean.Length; p++) clean[p] = float.IsFinite(image[p]) ? image[p] : 0f;
        var output = new float[width * height];
        for (int cy = 0; cy < kernelSize; cy++)
            for (int cx = 0; cx < kernelSize; cx++)
            {
                float w = conv[cy * kernelSize + cx];
                int dy = cy - r, dx = cx - r;
                int xs = Math.Max(0, -dx), xe = Math.Min(width, width - dx);
                for (int y = Math.Max(0, -dy); y < Math.Min(height, height - dy); y++)
                {
                    var src = clean.AsSpan((y + dy) * width + dx + xs, xe - xs);
                    var dst = output.AsSpan(y * width + xs, xe - xs);
                    for (int i = 0; i < dst.Length; i++) dst[i] += w * src[i];
                }
            }
        for (int p = 0; p < output.Length; p++) if (!float.IsFinite(image[p])) output[p] = float.NaN;
        return output;
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
    public static List<int[]> Components(int width, int height, ReadOnlySpan<int> candidates, float[] values, float threshold, int minArea,
        int[] scratch)
    {
        const int Above = 1, Seen = 2;
        foreach (int p in candidates) if (values[p] > threshold) scratch[p] = Above;
        var result = new List<int[]>();
        var stack = new Stack<int>();
        var members = new List<int>();
        foreach (int start in candidates)
        {
            if (scratch[start] != Above) continue;
            members.Clear();
            scratch[start] = Seen;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                members.Add(p);
                int px = p % width, py = p / width;
                for (int yy = Math.Max(0, py - 1); yy <= Math.Min(height - 1, py + 1); yy++)
                    for (int xx = Math.Max(0, px - 1); xx <= Math.Min(width - 1, px + 1); xx++)
                    {
                        int q = yy * width + xx;
                        if (scratch[q] == Above) { scratch[q] = Seen; stack.Push(q); }
                    }
            }
            if (members.Count >= minArea)
            {
                var arr = members.ToArray();
                Array.Sort(arr);
                result.Add(arr);
            }
        }
        foreach (int p in candidates) scratch[p] = 0;
        return result;
    }
}
