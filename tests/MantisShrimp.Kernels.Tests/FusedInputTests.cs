using MantisShrimp.Kernels;
using MantisShrimp.Kernels.Input;

namespace MantisShrimp.Kernels.Tests;

public class FusedInputTests
{
    private static readonly IntensityTransform Asinh = new(IntensityTransformKind.AsinhStretch, 0.08f, 8f);
    private static readonly IntensityTransform Clip = new(IntensityTransformKind.LinearClip, 0.05f, 1f);

    /// <summary>A small mixed layout: crop only, upsampling, downsampling, and a second segment.</summary>
    private static InputLayout SmallLayout(int batch) => InputLayout.Create(
    [
        new ChannelSpec(0, 0, 17, 12, 12, Asinh),
        new ChannelSpec(0, 17 * 17, 9, 6, 12, Clip),
        new ChannelSpec(0, 17 * 17 + 81, 20, 16, 12, Asinh), // 16 → 12: antialiased shrink
        new ChannelSpec(1, 17 * 17 + 81 + 400, 9, 6, 6, Asinh),
    ], rawSampleStride: 17 * 17 + 81 + 400 + 81, batchCapacity: batch);

    private static float[] RandomRaw(InputLayout layout, int samples, int seed, bool nans)
    {
        var rng = new Random(seed);
        var raw = new float[samples * layout.RawSampleStride];
        for (int i = 0; i < raw.Length; i++)
            raw[i] = (float)((rng.NextDouble() - 0.2) * Math.Pow(10, rng.Next(-2, 4)));
        if (nans)
            for (int i = 0; i < raw.Length; i += 37) raw[i] = float.NaN;
        return raw;
    }

    private static SampleAugment[] RandomAugment(int samples, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, samples).Select(_ =>
            SampleAugment.FromDegrees(rng.NextDouble() * 360, rng.Next(2) == 1, rng.Next(2) == 1)).ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1f, Math.Abs(expected[i])),
                $"index {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static (float[] Reference, float[] Kernel, float[] Simd) RunAll(InputLayout layout, float[] raw, int samples,
        SampleAugment[] aug)
    {
        var reference = new float[layout.OutputLength];
        var kernel = new float[layout.OutputLength];
        var simd = new float[layout.OutputLength];
        InputReference.Run(layout, raw, samples, aug, reference);
        using (var host = new AcceleratorHost(AcceleratorChoice.Cpu))
            FusedInputKernel.Run(host, layout, raw, samples, aug, kernel);
        new FusedInputCpu(layout).Run(raw, samples, aug, simd);
        return (reference, kernel, simd);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kernel_and_simd_match_reference_on_random_inputs(bool nans)
    {
        var layout = SmallLayout(4);
        var raw = RandomRaw(layout, 4, 1, nans);
        var aug = RandomAugment(4, 2);
        var (reference, kernel, simd) = RunAll(layout, raw, 4, aug);
        Assert.DoesNotContain(reference, float.IsNaN);
        AssertClose(reference, kernel);
        AssertClose(reference, simd);
    }

    [Fact]
    public void Zeros_and_constant_images()
    {
        var layout = SmallLayout(2);
        var raw = new float[2 * layout.RawSampleStride];
        Array.Fill(raw, 3f, layout.RawSampleStride, layout.RawSampleStride); // sample 0 zeros, sample 1 constant 3
        var aug = new[] { SampleAugment.FromDegrees(33), SampleAugment.Identity };
        var (reference, kernel, simd) = RunAll(layout, raw, 2, aug);
        AssertClose(reference, kernel);
        AssertClose(reference, simd);
        for (int c = 0; c < 4; c++)
        {
            var ch = layout.Channels[c];
            Assert.Equal(0f, kernel[layout.OutputIndex(0, c, 3, 3)]);
            // A constant image stays constant under identity augmentation, crop and resize.
            float expected = ch.Transform.Apply(3f);
            for (int y = 0; y < ch.OutputSize; y++)
                for (int x = 0; x < ch.OutputSize; x++)
                    Assert.Equal(expected, kernel[layout.OutputIndex(1, c, y, x)], 5);
        }
    }

    [Theory]
    [InlineData(90, false, false)]
    [InlineData(180, true, false)]
    [InlineData(270, false, true)]
    [InlineData(-90, true, true)]
    public void Exact_quarter_turns_move_pixels_onto_pixels(double degrees, bool flipX, bool flipY)
    {
        var layout = InputLayout.Create([new ChannelSpec(0, 0, 11, 7, 7, Asinh)], 121, 1);
        var raw = RandomRaw(layout, 1, 5, nans: true);
        var a = SampleAugment.FromDegrees(degrees, flipX, flipY);
        var (reference, kernel, simd) = RunAll(layout, raw, 1, [a]);
        AssertClose(reference, kernel);
        AssertClose(reference, simd);
        // Explicit index mapping: crop (cx, cy) → offset 2 → flip the 11×11 frame → rotate about 5.
        int turns = (int)(((degrees % 360) + 360) % 360 / 90);
        for (int cy = 0; cy < 7; cy++)
            for (int cx = 0; cx < 7; cx++)
            {
                int fx = flipX ? 10 - (cx + 2) : cx + 2, fy = flipY ? 10 - (cy + 2) : cy + 2;
                int u = fx - 5, v = fy - 5;
                (int su, int sv) = turns switch { 0 => (u, v), 1 => (v, -u), 2 => (-u, -v), _ => (-v, u) };
                float expected = Asinh.Apply(raw[(sv + 5) * 11 + su + 5]);
                Assert.Equal(expected, kernel[cy * 7 + cx], 6);
                Assert.Equal(expected, simd[cy * 7 + cx], 6);
            }
    }

    [Fact]
    public void Survey_sized_layout_matches_reference()
    {
        // The real geometry: PS1 170 → 120 crop; GALEX/unWISE 32 → 22 crop → 120 (early fusion).
        var ps1 = new IntensityTransform(IntensityTransformKind.AsinhStretch, 0.08f, 8f);
        var wise = new IntensityTransform(IntensityTransformKind.AsinhStretch, 0.6f, 6f);
        var layout = InputLayout.Create(
        [
            new ChannelSpec(0, 0, 32, 22, 120, Clip),
            new ChannelSpec(0, 1024, 170, 120, 120, ps1),
            new ChannelSpec(0, 1024 + 28900, 32, 22, 120, wise),
        ], 1024 + 28900 + 1024, 2);
        var raw = RandomRaw(layout, 2, 9, nans: true);
        var aug = RandomAugment(2, 10);
        var (reference, kernel, simd) = RunAll(layout, raw, 2, aug);
        AssertClose(reference, kernel);
        AssertClose(reference, simd);
    }

    [Fact]
    public void Resize_table_is_normalised_and_identity_for_equal_sizes()
    {
        foreach (var (n, m) in new[] { (22, 120), (16, 12), (30, 10), (7, 7) })
        {
            var t = AntialiasResize.Create(n, m);
            for (int i = 0; i < m; i++)
            {
                float sum = 0;
                for (int k = 0; k < t.Count[i]; k++) sum += t.Weights[i * AntialiasResize.MaxTaps + k];
                Assert.Equal(1f, sum, 5);
                Assert.InRange(t.Start[i], 0, n - 1);
                Assert.InRange(t.Start[i] + t.Count[i], 1, n);
            }
        }
        var same = AntialiasResize.Create(7, 7);
        for (int i = 0; i < 7; i++) Assert.Equal(1f,
            same.Weights[i * AntialiasResize.MaxTaps
            + Array.IndexOf(same.Weights, 1f, i * AntialiasResize.MaxTaps) % AntialiasResize.MaxTaps]);
    }
}
