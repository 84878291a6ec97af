using MantisShrimp.Kernels;
using MantisShrimp.Kernels.Shapley;

namespace MantisShrimp.Kernels.Tests;

public class ShapleyKernelTests
{
    private static readonly int[] PlaneStart = [0, 32 * 32, 32 * 32 + 170 * 170];
    private static readonly int[] PlaneSize = [32, 170];

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 10 - 2)).ToArray();
    }

    private static BandMask[] Masks(int samples) => Enumerable.Range(0, samples).SelectMany(s => new[]
    {
        new BandMask { X = 15.5f, Y = 16f, Cxx = 1 / 16f, Cyy = 1 / 9f, Cxy = 0.01f, Back = 0.5f, Rms = 0.1f, Seed = (ulong)(s * 2 + 1) },
        new BandMask { X = 84f + s, Y = 85f, Cxx = 1 / 400f, Cyy = 1 / 100f, Cxy = 0f, Back = -1f, Rms = 3f, Seed = (ulong)(s * 2 + 2) },
    }).ToArray();

    [Fact]
    public void Masked_image_kernel_matches_plain_csharp_and_only_touches_the_mask()
    {
        const int samples = 3;
        int stride = PlaneStart[^1];
        var raw = Random(samples * stride, 1);
        var masks = Masks(samples);
        var expected = new float[raw.Length];
        MaskedImageKernel.Run(raw, expected, masks, PlaneStart, PlaneSize, samples);
        var actual = new float[raw.Length];
        using (var host = new AcceleratorHost(AcceleratorChoice.Cpu))
            MaskedImageKernel.Run(host, raw, actual, masks, PlaneStart, PlaneSize, samples);
        for (int i = 0; i < raw.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])),
            $"pixel {i}");

        // Outside the ellipse nothing changes; inside, noise with the requested level and RMS.
        var inside = new List<float>();
        for (int y = 0; y < 170; y++)
            for (int x = 0; x < 170; x++)
            {
                int i = PlaneStart[1] + y * 170 + x;
                float dx = x - 84f, dy = y - 85f;
                if (dx * dx / 400f + dy * dy / 100f > 1f) Assert.Equal(raw[i], expected[i]);
                else inside.Add(expected[i]);
            }
        double mean = inside.Average(), sd = Math.Sqrt(inside.Sum(v => (v - mean) * (v - mean)) / (inside.Count - 1));
        Assert.InRange(inside.Count, 600, 660); // π·20·10 ≈ 628
        Assert.InRange(mean, -1.3, -0.7);
        Assert.InRange(sd, 2.7, 3.3);
    }

    [Fact]
    public void Counter_normals_are_standard_normal_and_stateless()
    {
        var v = Enumerable.Range(0, 200_000).Select(i => (double)CounterNormal.Sample(42, (ulong)i)).ToArray();
        double mean = v.Average(), var = v.Sum(x => (x - mean) * (x - mean)) / v.Length;
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(var, 0.98, 1.02);
        Assert.InRange(v.Count(x => Math.Abs(x) > 1.96) / (double)v.Length, 0.047, 0.053);
        Assert.Equal(CounterNormal.Sample(42, 12345), CounterNormal.Sample(42, 12345));
        Assert.NotEqual(CounterNormal.Sample(42, 12345), CounterNormal.Sample(43, 12345));
    }

    [Theory]
    [InlineData(0UL, 1UL)]                     // keys 0, 1, 2, …
    [InlineData(42UL, 0x9E3779B97F4A7C15UL)]   // keys on SplitMix64's Weyl sequence 42 + k·Γ
    public void Counter_normal_keys_never_share_bits(ulong first, ulong step)
    {
        // 10 000 keys × 64 pixels: 640 000 random 64-bit words collide by chance with probability ≈ 1e-8.
        var seen = new HashSet<ulong>();
        for (ulong k = 0; k < 10_000; k++)
            for (ulong c = 0; c < 64; c++)
                Assert.True(seen.Add(CounterNormal.Bits(first + k * step, c)), $"key {k}, pixel {c} repeats an earlier draw");
    }

    [Fact]
    public void Composite_kernel_matches_plain_csharp()
    {
        const int galaxies = 2, channels = 5, pixels = 49;
        var x = Random(galaxies * channels * pixels, 2);
        var b = Random(galaxies * channels * pixels, 3);
        int[] subsets = [0, 511, 0b000010100, 0b101010101, 4, 0b000111100];
        int[] galaxyOf = [0, 0, 1, 1, 0, 1];
        var expected = new float[subsets.Length * channels * pixels];
        CompositeKernel.Run(x, b, subsets, galaxyOf, expected, channels, pixels, bandOffset: 2);
        var actual = new float[expected.Length];
        using (var host = new AcceleratorHost(AcceleratorChoice.Cpu))
            CompositeKernel.Run(host, x, b, subsets, galaxyOf, actual, channels, pixels, bandOffset: 2);
        Assert.Equal(expected, actual);
        // Composite 2 (galaxy 1, bands 2 and 4 → channels 0 and 2 of this segment) takes those from x, the rest from b.
        for (int c = 0; c < channels; c++)
        {
            var source = c is 0 or 2 ? x : b;
            Assert.Equal(source.AsSpan((1 * channels + c) * pixels, pixels).ToArray(),
                expected.AsSpan((2 * channels + c) * pixels, pixels).ToArray());
        }
    }
}
