using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels.Input;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Benchmarks;

/// <summary>
/// The same input transform done with stock libtorch ops through TorchSharp — nan_to_num, asinh, clamp,
/// affine_grid + grid_sample (bilinear, zero padding), narrow, interpolate (bilinear, antialias) and cat — the
/// baseline the fused kernel is measured against, and an independent check of its semantics.
/// </summary>
public static class TorchInputChain
{
    /// <summary>Early-fusion input [B, 9, 120, 120] from raw samples [B, 148 596].</summary>
    public static Tensor EarlyFusion(Tensor raw, ReadOnlySpan<SampleAugment> augment)
    {
        long b = raw.shape[0];
        using var scope = NewDisposeScope();
        var theta = Theta(augment, (int)b);
        var parts = new List<Tensor>();
        foreach (var band in BandTable.All)
        {
            var s = band.SurveyInfo;
            int n = s.NativeSize, crop = s.CropSize, offset = (n - crop) / 2;
            var plane = raw.narrow(1, BandTable.NativePixelOffset(band.Band), n * n).view(b, 1, n, n);
            var x = Transform(nan_to_num(plane, 0.0), s);
            var grid = nn.functional.affine_grid(theta, [b, 1, n, n], align_corners: false);
            x = nn.functional.grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
            x = x.narrow(2, offset, crop).narrow(3, offset, crop);
            if (crop != FusionInput.EarlySize)
                x = nn.functional.interpolate(x, [FusionInput.EarlySize, FusionInput.EarlySize],
                    mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
            parts.Add(x);
        }
        return cat(parts, 1).MoveToOuterDisposeScope();
    }

    private static Tensor Transform(Tensor x, SurveyInfo s) => s.Transform.Kind switch
    {
        Kernels.IntensityTransformKind.LinearClip => clamp(x / s.Transform.Scale, 0.0, 1.0),
        _ => clamp_min(asinh(x * s.Transform.Scale) / s.Transform.Divisor, 0.0),
    };

    /// <summary>affine_grid matrices: output (x, y) → input (cos·x + sin·y, −sin·x + cos·y), flips folded in as column signs.</summary>
    private static Tensor Theta(ReadOnlySpan<SampleAugment> augment, int b)
    {
        var t = new float[b * 6];
        for (int i = 0; i < b; i++)
        {
            var a = augment[i];
            float fx = a.FlipX != 0 ? -1f : 1f, fy = a.FlipY != 0 ? -1f : 1f;
            t[i * 6 + 0] = a.Cos * fx;
            t[i * 6 + 1] = a.Sin * fy;
            t[i * 6 + 3] = -a.Sin * fx;
            t[i * 6 + 4] = a.Cos * fy;
        }
        return tensor(t, [b, 2, 3]);
    }
}
