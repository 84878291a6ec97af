using MantisShrimp.Kernels;

namespace MantisShrimp.Engine.Surveys;

/// <summary>
/// Geometry, file layout and intensity transform of one survey's cutouts, as the services deliver them
/// and as the reference implementation trains on them.
/// </summary>
/// <param name="PixelScaleArcsec">Pixel scale in arcsec/pixel.</param>
/// <param name="NativeSize">Side length of the cutout as requested from the service (and stored in shards).</param>
/// <param name="CropSize">Side length after the training centre-crop.</param>
/// <param name="CubeFileSuffix">File name suffix in reference naming: <c>{name}.{suffix}.fits</c>, or null when each band has its own
/// file.</param>
/// <param name="PixelUnit">Unit of the pixel values.</param>
/// <param name="Transform">The reference implementation's transform from pixel values to network input.</param>
/// <param name="StaticApertureRadiusPx">Paper §2.3: radius (native pixels) of the static circular aperture used when no detection lies
/// within 5 px of the centre.</param>
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
    /// <summary>Position in <see cref="BandTable.AllSurveys"/>: the late-fusion input segment this survey's bands fill.</summary>
    public int Index => (int)Survey;

    /// <summary>Bands of this survey in model order.</summary>
    public IReadOnlyList<BandInfo> Bands => _bands ??= BandTable.All.Where(b => b.Survey == Survey).ToArray();

    private BandInfo[]? _bands;

    /// <summary>The service that delivers this survey's cutouts (its client in Cutouts knows the protocol).</summary>
    public required CutoutService Service { get; init; }

    /// <summary>Legacy Surveys viewer: the <c>layer=</c> of the survey's cube (also the cube's VERSION card); null for other
    /// services.</summary>
    public string? ViewerLayer { get; init; }

    /// <summary>
    /// A cube whose planes are all exactly zero means the survey has no coverage there (the viewer fills uncovered sky
    /// with zeros) rather than a dark patch; the sample keeps the zeros and is flagged. PS1 has no such rule (its gaps are NaN).
    /// </summary>
    public bool AllZeroMeansNoCoverage { get; init; }

    /// <summary>
    /// Name of this survey's late-fusion encoder: its state-dict prefix (<c>ps1.stem.0.weight</c>) and the value of
    /// <c>--encoder</c>/<c>--init-encoder</c>. Checkpoints and exported weights depend on it: never rename.
    /// </summary>
    public required string EncoderKey { get; init; }

    /// <summary>
    /// Patch size of the encoder's stem. 22×22 crops cannot take ConvNeXt's 4×4 patchify stem and three 2× downsamplings,
    /// so their encoders use a 1×1 stem.
    /// </summary>
    public int EncoderStemPatch { get; init; } = 4;

    /// <summary>Late fusion: the encoder is the small backbone (<c>--small-backbone</c>, paper: ConvNeXt-Small) rather than
    /// <c>--backbone</c>.</summary>
    public bool EncoderUsesSmallBackbone { get; init; }
}
