using MantisShrimp.Kernels;

namespace MantisShrimp.Engine.Surveys;

/// <summary>
/// Geometry, file layout and intensity transform of one survey's cutouts, as the services deliver them
/// and as the reference implementation trains on them.
/// </summary>
public sealed record SurveyInfo(
    Survey Survey,
    string Name,
    /// <summary>Pixel scale in arcsec/pixel.</summary>
    double PixelScaleArcsec,
    /// <summary>Side length of the cutout as requested from the service (and stored in shards).</summary>
    int NativeSize,
    /// <summary>Side length after the training centre-crop.</summary>
    int CropSize,
    /// <summary>File name suffix in reference naming: <c>{name}.{suffix}.fits</c>, or null when each band has its own file.</summary>
    string? CubeFileSuffix,
    /// <summary>Unit of the pixel values.</summary>
    string PixelUnit,
    /// <summary>The reference implementation's transform from pixel values to network input.</summary>
    IntensityTransform Transform,
    /// <summary>Paper §2.3: radius (native pixels) of the static circular aperture used when no detection lies within 5 px of the centre.</summary>
    double StaticApertureRadiusPx)
{
    /// <summary>Bands of this survey in model order.</summary>
    public IReadOnlyList<BandInfo> Bands => _bands ??= BandCatalog.All.Where(b => b.Survey == Survey).ToArray();

    private BandInfo[]? _bands;
}
