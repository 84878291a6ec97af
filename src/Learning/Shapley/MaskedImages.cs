using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Sources;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels.Shapley;

namespace MantisShrimp.Engine.Shapley;

/// <summary>
/// Masked images — each band "without the galaxy" (paper §5.1): the target found by <see cref="TargetPhotometry"/> is
/// hidden under its ellipse scaled to 4 × its Kron radius (or the static aperture) and the hole is filled with
/// Gaussian noise of the band's background level and RMS; every other pixel is untouched. The noise of band j of
/// catalog row r comes from stream (seed, r, j), so a galaxy's masked image never depends on its batch.
/// </summary>
public static class MaskedImages
{
    public static readonly int[] PlaneStart =
        [.. BandTable.All.Select(b => BandTable.NativePixelOffset(b.Band)), BandTable.NativePixelsPerSample];
    public static readonly int[] PlaneSize = BandTable.All.Select(b => b.NativeSize).ToArray();

    /// <summary>The kernel's masks for one galaxy's 9 targets.</summary>
    public static BandMask[] Masks(IReadOnlyList<TargetMeasurement> targets, ulong seed, long catalogRow)
    {
        var masks = new BandMask[BandTable.BandCount];
        for (int j = 0; j < masks.Length; j++)
        {
            var t = targets[j];
            var (cxx, cyy, cxy) = Moments.EllipseCoefficients(t.Mask.A, t.Mask.B, t.Mask.Theta);
            masks[j] = new BandMask
            {
                X = (float)t.Mask.X, Y = (float)t.Mask.Y, Cxx = (float)cxx, Cyy = (float)cyy, Cxy = (float)cxy,
                Back = float.IsFinite(t.BackLevel) ? t.BackLevel : 0f, Rms = float.IsFinite(t.BackRms) ? t.BackRms : 0f,
                Seed = SplitMix64.ForStream(SplitMix64.ForStream(seed, (ulong)catalogRow).NextUInt64(), (ulong)j).NextUInt64(),
            };
        }
        return masks;
    }

    /// <summary>Measures the targets of one raw sample and returns them with its masked image.</summary>
    public static (TargetMeasurement[] Targets, float[] Masked) ForSample(ReadOnlySpan<float> raw, ulong seed, long catalogRow)
    {
        var targets = TargetPhotometry.MeasureSample(raw);
        var masked = new float[raw.Length];
        MaskedImageKernel.Run(raw, masked, Masks(targets, seed, catalogRow), PlaneStart, PlaneSize, 1);
        return (targets, masked);
    }
}
