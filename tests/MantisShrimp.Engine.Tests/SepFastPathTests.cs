using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Sources;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// The fast paths of the sep port against brute force, bit for bit: backguess from prefix sums against sep's literal
/// loop, the fused SIMD convolution against a per-pixel kernel sum in sep's term order, and the labelling against a
/// plain hash-set flood fill. The whole extraction is checked against sep itself by SepConformanceTests.
/// </summary>
public class SepFastPathTests
{
    [Fact]
    public void Backguess_from_prefix_sums_is_the_literal_backguess_bit_for_bit()
    {
        var rng = new SplitMix64(23);
        var prefix = new long[3 * 4097];
        int cases = 0;
        foreach (int nlevels in new[] { 1, 2, 3, 5, 17, 100, 1000, 4096 })
            for (int trial = 0; trial < 60; trial++)
            {
                var histo = new int[4096];
                double centre = rng.NextDouble() * nlevels, width = 0.5 + rng.NextDouble() * nlevels / 4;
                int kind = trial % 5;
                int draws = kind == 4 ? 0 : 1 + (int)(rng.NextDouble() * 5000);
                for (int d = 0; d < draws; d++)
                {
                    int bin = kind switch
                    {
                        // Gaussian counts, as a mesh gives; sparse single counts; a skewed (bright-source) tail; one spike.
                        0 => (int)(centre + width * Gaussian(ref rng)),
                        1 => (int)(rng.NextDouble() * nlevels),
                        2 => (int)(centre + width * Math.Abs(Gaussian(ref rng)) * (rng.NextDouble() < 0.2 ? 6 : 1)),
                        _ => (int)centre,
                    };
                    if ((uint)bin < (uint)nlevels) histo[bin]++;
                }
                float mean = (float)(rng.NextDouble() * 100 - 50), qzero = (float)(rng.NextDouble() * 10);
                float qscale = (float)(0.01 + rng.NextDouble());
                var literal = Background.GuessLiteral(histo, nlevels, mean, qzero, qscale);
                var fast = Background.Guess(histo, nlevels, mean, qzero, qscale, prefix);
                Assert.True(Bits(literal.Mode) == Bits(fast.Mode) && Bits(literal.Sigma) == Bits(fast.Sigma),
                    $"nlevels {nlevels} trial {trial}: literal ({literal.Mode:R}, {literal.Sigma:R}), " +
                    $"fast ({fast.Mode:R}, {fast.Sigma:R})");
                cases++;
            }
        Assert.Equal(480, cases);
    }

    [Theory]
    [InlineData(170, 170, 3)]
    [InlineData(32, 32, 3)]
    [InlineData(37, 11, 5)]
    [InlineData(5, 9, 3)]
    public void Fused_convolution_is_the_per_pixel_kernel_sum_bit_for_bit(int width, int height, int kernelSize)
    {
        var rng = new SplitMix64((ulong)(width * 31 + kernelSize));
        var image = new float[width * height];
        for (int p = 0; p < image.Length; p++)
            image[p] = rng.NextDouble() < 0.03 ? float.NaN : (float)((rng.NextDouble() - 0.3) * 1000 * Math.Pow(10, -6 * rng.NextDouble()));
        image[0] = -0f;
        var kernel = new float[kernelSize * kernelSize];
        for (int k = 0; k < kernel.Length; k++) kernel[k] = (float)(rng.NextDouble() * 4 - 1);
        var ours = Detection.Filter(image, width, height, kernel, kernelSize);

        // sep's convolve as the port first had it: the kernel over |Σ|, the image zero outside and at invalid pixels,
        // each output the sum of w·v in row-major kernel order from 0, terms outside the image left out.
        float norm = 0;
        foreach (float k in kernel) norm += Math.Abs(k);
        int r = kernelSize / 2;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float expected = 0f;
                for (int cy = 0; cy < kernelSize; cy++)
                    for (int cx = 0; cx < kernelSize; cx++)
                    {
                        int yy = y + cy - r, xx = x + cx - r;
                        if ((uint)yy >= (uint)height || (uint)xx >= (uint)width) continue;
                        float v = image[yy * width + xx];
                        expected += kernel[cy * kernelSize + cx] / norm * (float.IsFinite(v) ? v : 0f);
                    }
                if (!float.IsFinite(image[y * width + x])) expected = float.NaN;
                Assert.True(Bits(expected) == Bits(ours[y * width + x]), $"({x}, {y}): expected {expected:R}, got {ours[y * width + x]:R}");
            }
    }

    [Fact]
    public void Labelling_gives_the_components_of_a_hash_set_flood_fill()
    {
        var rng = new SplitMix64(5);
        foreach (var (width, height, density) in new[] { (170, 170, 0.45), (32, 32, 0.6), (7, 50, 0.5), (64, 3, 0.7) })
        {
            var values = new float[width * height];
            for (int p = 0; p < values.Length; p++) values[p] = (float)rng.NextDouble();
            float threshold = (float)(1 - density);
            var scratch = new int[width * height];
            var all = Enumerable.Range(0, values.Length).ToArray();
            // A subset of candidates too, as the deblender passes (an earlier component's pixels), and an unsorted one.
            var some = all.Where(p => p % 7 != 3).ToArray();
            var shuffled = some.OrderBy(_ => rng.NextDouble()).ToArray();
            foreach (var candidates in new[] { all, some, shuffled })
                foreach (int minArea in new[] { 1, 3, 5 })
                {
                    var ours = Detection.Components(width, height, candidates, values, threshold, minArea, scratch);
                    Assert.All(scratch, s => Assert.Equal(0, s));
                    var reference = Reference(width, height, candidates, values, threshold, minArea);
                    Assert.Equal(reference.Count, ours.Count);
                    for (int c = 0; c < ours.Count; c++) Assert.Equal(reference[c], ours[c]);
                }
        }
    }

    /// <summary>Components by a flood fill over a hash set, members sorted, in the order of each one's first candidate.</summary>
    private static List<int[]> Reference(int width, int height, int[] candidates, float[] values, float threshold, int minArea)
    {
        var above = candidates.Where(p => values[p] > threshold).ToHashSet();
        var seen = new HashSet<int>();
        var result = new List<int[]>();
        foreach (int start in candidates)
        {
            if (!above.Contains(start) || !seen.Add(start)) continue;
            var members = new List<int>();
            var queue = new Queue<int>([start]);
            while (queue.TryDequeue(out int p))
            {
                members.Add(p);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int x = p % width + dx, y = p / width + dy, q = y * width + x;
                        if ((uint)x < (uint)width && (uint)y < (uint)height && above.Contains(q) && seen.Add(q)) queue.Enqueue(q);
                    }
            }
            if (members.Count >= minArea) result.Add([.. members.Order()]);
        }
        return result;
    }

    private static double Gaussian(ref SplitMix64 rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static int Bits(float f) => BitConverter.SingleToInt32Bits(f);
}
