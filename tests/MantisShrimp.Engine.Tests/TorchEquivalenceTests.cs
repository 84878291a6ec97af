using MantisShrimp.Engine.Benchmarks;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels.Input;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Tests;

/// <summary>The fused transform agrees with libtorch's own ops (affine_grid + grid_sample, interpolate with antialias).</summary>
public class TorchEquivalenceTests
{
    [Fact]
    public void Fused_early_fusion_matches_the_libtorch_chain()
    {
        const int b = 3;
        var rng = new Random(4);
        var raw = new float[b * BandTable.NativePixelsPerSample];
        for (int i = 0; i < raw.Length; i++) raw[i] = (float)((rng.NextDouble() - 0.1) * 40);
        for (int i = 0; i < raw.Length; i += 101) raw[i] = float.NaN;
        var aug = new[] { SampleAugment.FromDegrees(37, true, false), SampleAugment.FromDegrees(200, false, true), SampleAugment.Identity };
        var layout = InputLayouts.Create(FusionKind.Early, b);
        var fused = new float[layout.OutputLength];
        new FusedInputCpu(layout).Run(raw, b, aug, fused);

        using var scope = NewDisposeScope();
        var expected = TorchInputChain.EarlyFusion(tensor(raw, [b, BandTable.NativePixelsPerSample]),
            aug).contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, fused.Length);
        double maxDiff = 0;
        for (int i = 0; i < fused.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(fused[i] - expected[i]));
        Assert.True(maxDiff < 1e-4, $"max |fused − libtorch| = {maxDiff}");
    }

    [Theory]
    [InlineData(22, 120)]
    [InlineData(120, 50)]
    [InlineData(32, 22)]
    public void Resize_tables_match_libtorch_antialiased_bilinear(int n, int m)
    {
        var rng = new Random(n * 1000 + m);
        var img = Enumerable.Range(0, n * n).Select(_ => (float)rng.NextDouble()).ToArray();
        var ours = InputReference.Resize(img, n, m);
        using var scope = NewDisposeScope();
        var torchOut = nn.functional.interpolate(tensor(img, [1, 1, n, n]), [m, m], mode: InterpolationMode.Bilinear, align_corners: false,
            antialias: true)
            .contiguous().data<float>().ToArray();
        for (int i = 0; i < ours.Length; i++)
            Assert.True(Math.Abs(torchOut[i] - ours[i]) < 1e-5, $"index {i}: libtorch {torchOut[i]}, ours {ours[i]}");
    }
}
