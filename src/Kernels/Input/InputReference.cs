namespace MantisShrimp.Kernels.Input;

/// <summary>
/// The plain, staged C# reference of the input transforms, written for clarity, not speed: for every sample
/// and channel it builds the intermediate images one after another — intensity transform (NaN fill), rotation
/// of the whole native plane (bilinear, zero outside), flips, centre crop, antialiased bilinear resize (weights
/// from the torchvision formula, computed here independently of <see cref="AntialiasResize"/>).
/// The fused kernel and the SIMD path are tested against it.
/// </summary>
public static class InputReference
{
    public static void Run(InputLayout layout, ReadOnlySpan<float> raw, int samples, ReadOnlySpan<SampleAugment> augment,
        Span<float> output)
    {
        for (int b = 0; b < samples; b++)
        {
            for (int c = 0; c < layout.Channels.Length; c++)
            {
                var ch = layout.Channels[c];
                int big = ch.NativeSize, n = ch.CropSize, m = ch.OutputSize;
                var plane = raw.Slice(b * layout.RawSampleStride + ch.InputOffset, big * big);
                var a = augment[b];

                var transformed = new float[big * big];
                for (int i = 0; i < transformed.Length; i++) transformed[i] = ch.Transform.Apply(plane[i]);

                var rotated = new float[big * big];
                double centre = (big - 1) / 2.0;
                for (int y = 0; y < big; y++)
                    for (int x = 0; x < big; x++)
                    {
                        double u = x - centre, v = y - centre;
                        double sx = centre + a.Cos * u + a.Sin * v, sy = centre - a.Sin * u + a.Cos * v;
                        rotated[y * big + x] = (float)SampleZeroOutside(transformed, big, sx, sy);
                    }

                var flipped = new float[big * big];
                for (int y = 0; y < big; y++)
                    for (int x = 0; x < big; x++)
                        flipped[y * big + x] = rotated[(a.FlipY != 0 ? big - 1 - y : y) * big + (a.FlipX != 0 ? big - 1 - x : x)];

                int offset = (big - n) / 2;
                var crop = new float[n * n];
                for (int y = 0; y < n; y++)
                    for (int x = 0; x < n; x++)
                        crop[y * n + x] = flipped[(y + offset) * big + x + offset];

                var result = m == n ? crop : Resize(crop, n, m);
                for (int y = 0; y < m; y++)
                    for (int x = 0; x < m; x++)
                        output[(int)layout.OutputIndex(b, c, y, x)] = result[y * m + x];
            }
        }
    }

    private static double SampleZeroOutside(float[] img, int size, double sx, double sy)
    {
        int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
        double fx = sx - x0, fy = sy - y0;
        double At(int x, int y) => x >= 0 && y >= 0 && x < size && y < size ? img[y * size + x] : 0.0;
        return (At(x0, y0) * (1 - fx) + At(x0 + 1, y0) * fx) * (1 - fy) + (At(x0, y0 + 1) * (1 - fx) + At(x0 + 1, y0 + 1) * fx) * fy;
    }

    /// <summary>torchvision's antialiased bilinear resize (align_corners = false) of a square image, direct 2-D form.</summary>
    public static float[] Resize(float[] img, int n, int m)
    {
        var (idx, w) = Weights(n, m);
        var result = new float[m * m];
        for (int oy = 0; oy < m; oy++)
            for (int ox = 0; ox < m; ox++)
            {
                double sum = 0;
                for (int j = 0; j < idx[oy].Length; j++)
                    for (int i = 0; i < idx[ox].Length; i++)
                        sum += w[oy][j] * w[ox][i] * img[idx[oy][j] * n + idx[ox][i]];
                result[oy * m + ox] = (float)sum;
            }
        return result;
    }

    private static (int[][] Index, double[][] Weight) Weights(int n, int m)
    {
        double scale = (double)n / m, support = Math.Max(scale, 1.0), inv = scale >= 1 ? 1 / scale : 1.0;
        var index = new int[m][];
        var weight = new double[m][];
        for (int i = 0; i < m; i++)
        {
            double centre = scale * (i + 0.5);
            int lo = Math.Max((int)(centre - support + 0.5), 0), hi = Math.Min((int)(centre + support + 0.5), n);
            index[i] = Enumerable.Range(lo, hi - lo).ToArray();
            var w = index[i].Select(j => Math.Max(0.0, 1.0 - Math.Abs((j - centre + 0.5) * inv))).ToArray();
            double total = w.Sum();
            weight[i] = w.Select(x => total > 0 ? x / total : 0).ToArray();
        }
        return (index, weight);
    }
}
