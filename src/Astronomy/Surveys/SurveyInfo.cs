using MantisShrimp.Kernels;

namespace MantisShrimp.Engine.Surveys;

/// <summary>
/// Geometry, file layout and intensity transform of one survey's cutouts, as the services deliver them
/// and as the reference implementation trains on them.
/// </summary>
/// <param name="PixelScaleArcsec">Pixel scale in arcsec/pixel.</param>
/// <param name="NativeSize">Side length of the cutout as requested from the service (and stored in shards).</param>
/// <param name="CropSize">Side length after the training centre-crop.</param>
/// <param name="CubeFileSuffix">File name suffix in reference naming: <c>{name}.{suffix}.fits</c>, or null when each band has its own file.</param>
/// <param name="PixelUnit">Unit of the pixel values.</param>
/// <param name="Transform">The reference implementation's transform from pixel values to network input.</param>
/// <param name="StaticApertureRadiusPx">Paper §2.3: radius (native pixels) of the static circular aperture used when no detection lies within 5 px of the centre.</param>
public sealed record SurveyInfo(
    Survey Survey,
    string Name,
    double PixelScaleArcsec,
    int NativeSize,
    int CropSize,
    string? CubeFileSuffix,
    string PixelUnit,
    IntensityTransform Transform,
    double StaticApertureRadiusPx)
{
    /// <summary>Bands of this survey in model order.</summary>
    public IReadOnlyList<BandInfo> Bands => _bands ??= BandCatalog.All.Where(b => b.Survey == Survey).ToArray();

    private BandInfo[]? _bands;
}
