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
    /// Convolution with a kernel normalised to unit sum; at the border and around invalid (NaN) pixels the weights
    /// of the pixels that exist are renormalised, so a flat image stays flat. Invalid pixels stay NaN.
    /// </summary>
    public static float[] Filter(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<float> kernel, int kernelSize)
    {
        int r = kernelSize / 2;
        var output = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (!float.IsFinite(image[y * width + x])) { output[y * width + x] = float.NaN; continue; }
                double sum = 0, weight = 0;
                for (int dy = -r; dy <= r; dy++)
                {
                    int yy = y + dy;
                    if ((uint)yy >= (uint)height) continue;
                    for (int dx = -r; dx <= r; dx++)
                    {
                        int xx = x + dx;
                        if ((uint)xx >= (uint)width) continue;
                        float v = image[yy * width + xx];
                        if (!float.IsFinite(v)) continue;
                        float w = kernel[(dy + r) * kernelSize + dx + r];
                        sum += w * v;
                        weight += w;
                    }
                }
                output[y * width + x] = weight > 0 ? (float)(sum / weight) : 0f;
            }
        return output;
    }

    /// <summary>8-connected components of the pixels (indices into a width×height grid) for which <paramref name="above"/> holds.</summary>
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
}
