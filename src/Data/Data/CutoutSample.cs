using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

/// <summary>Per-sample quality flags stored with each shard record.</summary>
[Flags]
public enum SampleFlags : uint
{
    None = 0,
    /// <summary>The GALEX cutout is all zeros: no coverage (≈10% of the sky area used).</summary>
    GalexNoCoverage = 1 << 0,
    /// <summary>The unWISE cutout is all zeros.</summary>
    UnwiseNoCoverage = 1 << 1,
    /// <summary>At least one PS1 band has NaN (masked) pixels, at most 1% of any band.</summary>
    PanStarrsHasNaN = 1 << 2,
    /// <summary>At least one cutout was larger than native and was centre-cropped.</summary>
    Cropped = 1 << 3,
    /// <summary>±Inf pixels were found and stored as NaN.</summary>
    InfinityAsNaN = 1 << 4,
    /// <summary>A PS1 band has more than 1% NaN pixels and was kept anyway (forced photo-z <c>--allow-nan</c>; never in shards).</summary>
    PanStarrsNanOverLimit = 1 << 5,
}

/// <summary>Which flag marks a survey's missing coverage (<see cref="SurveyInfo.AllZeroMeansNoCoverage"/>).</summary>
public static class CoverageFlags
{
    /// <summary>The flag set when all of <paramref name="survey"/>'s planes are zero; a new such survey needs a flag bit of its
    /// own.</summary>
    public static SampleFlags NoCoverage(SurveyInfo survey) => survey.Survey switch
    {
        Survey.Galex => SampleFlags.GalexNoCoverage,
        Survey.Unwise => SampleFlags.UnwiseNoCoverage,
        _ => throw new ArgumentException($"{survey.Name} has no no-coverage flag"),
    };
}

/// <summary>
/// The 9 bands of one source at native resolution in model channel order (FUV, NUV, g … y, W1, W2),
/// each plane row-major [y, x] as in the FITS file, NaNs preserved; plus each band's AB zero point.
/// </summary>
public sealed class CutoutSample
{
    public CutoutSample(float[] pixels, float[] zeroPoints, SampleFlags flags)
    {
        if (pixels.Length != BandCatalog.NativePixelsPerSample)
            throw new ArgumentException($"A sample has {BandCatalog.NativePixelsPerSample} pixels, got {pixels.Length}.");
        if (zeroPoints.Length != BandCatalog.BandCount) throw new ArgumentException("One zero point per band.");
        Pixels = pixels;
        ZeroPoints = zeroPoints;
        Flags = flags;
    }

    public float[] Pixels { get; }

    /// <summary>AB magnitude of a pixel value of 1, per band.</summary>
    public float[] ZeroPoints { get; }

    public SampleFlags Flags { get; }

    public Span<float> Band(Band band)
    {
        var info = BandCatalog.Get(band);
        return Pixels.AsSpan(BandCatalog.NativePixelOffset(band), info.NativeSize * info.NativeSize);
    }
}

/// <summary>A sample is not usable: the reason goes to rejects.csv.</summary>
public sealed class SampleRejectedException(string reason, Exception? inner = null) : Exception(reason, inner);
