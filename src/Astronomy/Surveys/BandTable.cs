using MantisShrimp.Kernels;

namespace MantisShrimp.Engine.Surveys;

/// <summary>
/// The single source of truth for the 9 bands and 3 surveys: order, geometry, files, units, zero points
/// and intensity transforms. Everything else in the engine reads these tables.
/// </summary>
public static class BandTable
{
    /// <summary>
    /// Number of bands the model sees. A constant because fixed-size buffers (the shard record's zero points) and
    /// constant feature counts need one; the type initialiser checks it equals <see cref="All"/>.Count.
    /// </summary>
    public const int BandCount = 9;

    /// <summary>PS1 stack zero point for a 1 s exposure; the file's is this + 2.5·log10(EXPTIME).</summary>
    public const double PanStarrsZeroPointAt1s = 25.0;

    /// <summary>Paper §3.2: a sample with more than this fraction of NaN pixels in any PS1 band is rejected.</summary>
    public const double MaxPanStarrsNanFraction = 0.01;

    public static readonly SurveyInfo Galex = new(
        Survey.Galex, "GALEX", PixelScaleArcsec: 1.5, NativeSize: 32, CropSize: 22,
        CubeFileSuffix: "Galex", PixelUnit: "counts/s (background-subtracted)",
        Transform: new IntensityTransform(IntensityTransformKind.LinearClip, scale: 0.05f, divisor: 1f),
        StaticApertureRadiusPx: 2)
    {
        Service = CutoutService.LegacySurveysViewer, ViewerLayer = "galex", AllZeroMeansNoCoverage = true,
        EncoderKey = "galex", EncoderStemPatch = 1, EncoderUsesSmallBackbone = true,
    };

    public static readonly SurveyInfo PanStarrs = new(
        Survey.PanStarrs, "Pan-STARRS1", PixelScaleArcsec: 0.25, NativeSize: 170, CropSize: 120,
        CubeFileSuffix: null, PixelUnit: "linear flux (counts; ZP = 25 + 2.5 log10 EXPTIME)",
        Transform: new IntensityTransform(IntensityTransformKind.AsinhStretch, scale: 0.08f, divisor: 8f),
        StaticApertureRadiusPx: 4)
    {
        Service = CutoutService.PanStarrsFitscut, EncoderKey = "ps1",
    };

    public static readonly SurveyInfo Unwise = new(
        Survey.Unwise, "unWISE", PixelScaleArcsec: 2.75, NativeSize: 32, CropSize: 22,
        CubeFileSuffix: "Unwise", PixelUnit: "Vega nanomaggies",
        Transform: new IntensityTransform(IntensityTransformKind.AsinhStretch, scale: 0.6f, divisor: 6f),
        StaticApertureRadiusPx: 2)
    {
        Service = CutoutService.LegacySurveysViewer, ViewerLayer = "unwise-neo7", AllZeroMeansNoCoverage = true,
        EncoderKey = "unwise", EncoderStemPatch = 1, EncoderUsesSmallBackbone = true,
    };

    /// <summary>Surveys in model order.</summary>
    public static readonly IReadOnlyList<SurveyInfo> AllSurveys = [Galex, PanStarrs, Unwise];

    /// <summary>
    /// The 9 bands in model channel order. Passbands: GALEX FUV/NUV edges; PS1 g r i z y centres 481, 617, 752,
    /// 866, 962 nm with widths ≈ 137, 140, 130, 104, 83 nm; WISE W1 3.35 µm, W2 4.60 µm. PSF FWHM: the services'
    /// typical values. Depths: 5σ point-source AB depths of the paper's Table 2.
    /// </summary>
    public static readonly IReadOnlyList<BandInfo> All =
    [
        new(Band.FUV, Survey.Galex, 0, CubePlane: 1, CubeBandCode: "f", NativeZeroPoint: 18.82, MagnitudeSystem.AB, 0)
            { PassbandAngstrom = (1344, 1786), PsfFwhmArcsec = 4.2, Depth5SigmaAb = 19.9 },
        new(Band.NUV, Survey.Galex, 1, CubePlane: 0, CubeBandCode: "n", NativeZeroPoint: 20.08, MagnitudeSystem.AB, 0)
            { PassbandAngstrom = (1771, 2831), PsfFwhmArcsec = 5.3, Depth5SigmaAb = 20.8 },
        new(Band.g, Survey.PanStarrs, 2, -1, null, PanStarrsZeroPointAt1s, MagnitudeSystem.AB, 0)
            { PassbandAngstrom = (4810 - 685, 4810 + 685), PsfFwhmArcsec = 1.3, Depth5SigmaAb = 23.3 },
        new(Band.r, Survey.PanStarrs, 3, -1, null, PanStarrsZeroPointAt1s, MagnitudeSystem.AB, 0)
            { PassbandAngstrom = (6170 - 700, 6170 + 700), PsfFwhmArcsec = 1.2, Depth5SigmaAb = 23.2 },
        new(Band.i, Survey.PanStarrs, 4, -1, null, PanStarrsZeroPointAt1s, MagnitudeSystem.AB, 0)
            { PassbandAngstrom = (7520 - 650, 7520 + 650), PsfFwhmArcsec = 1.1, Depth5SigmaAb = 23.1 },
        new(Band.z, Survey.PanStarrs, 5, -1, null, PanStarrsZeroPointAt1s, MagnitudeSystem.AB, 0)
            { PassbandAngstrom = (8660 - 520, 8660 + 520), PsfFwhmArcsec = 1.07, Depth5SigmaAb = 22.3 },
        new(Band.y, Survey.PanStarrs, 6, -1, null, PanStarrsZeroPointAt1s, MagnitudeSystem.AB, 0)
            { PassbandAngstrom = (9620 - 415, 9620 + 415), PsfFwhmArcsec = 1.02, Depth5SigmaAb = 21.3 },
        new(Band.W1, Survey.Unwise, 7, CubePlane: 0, CubeBandCode: "1", NativeZeroPoint: 22.5, MagnitudeSystem.Vega, 2.699)
            { PassbandAngstrom = (33500 - 3300, 33500 + 3300), PsfFwhmArcsec = 6.1, Depth5SigmaAb = 20.72 },
        new(Band.W2, Survey.Unwise, 8, CubePlane: 1, CubeBandCode: "2", NativeZeroPoint: 22.5, MagnitudeSystem.Vega, 3.339)
            { PassbandAngstrom = (46000 - 5200, 46000 + 5200), PsfFwhmArcsec = 6.4, Depth5SigmaAb = 19.97 },
    ];

    /// <summary>The invariants the rest of the engine relies on (checked once, when the offsets are computed).</summary>
    private static void CheckTables()
    {
        if (All.Count != BandCount) throw new InvalidOperationException($"BandTable.BandCount is {BandCount}, the table has " +
            $"{All.Count} bands");
        for (int c = 0; c < All.Count; c++)
            if (All[c].Channel != c || (int)All[c].Band != c) throw new InvalidOperationException($"band {All[c].Name}: channel " +
                $"{All[c].Channel} at row {c}");
        for (int s = 0; s < AllSurveys.Count; s++)
            if (AllSurveys[s].Index != s) throw new InvalidOperationException($"survey {AllSurveys[s].Name}: index " +
                $"{AllSurveys[s].Index} at row {s}");
        if (AllSurveys.Select(s => s.EncoderKey).Distinct(StringComparer.Ordinal).Count() != AllSurveys.Count)
            throw new InvalidOperationException("two surveys share an encoder key");
    }

    public static BandInfo Get(Band band) => All[(int)band];

    /// <summary>The survey whose late-fusion encoder is named <paramref name="encoderKey"/> (galex, ps1, unwise), or null.</summary>
    public static SurveyInfo? ForEncoderKey(string encoderKey) =>
        AllSurveys.FirstOrDefault(s => s.EncoderKey.Equals(encoderKey, StringComparison.Ordinal));

    /// <summary>The encoder keys in survey order, for messages and help ("galex, ps1, unwise").</summary>
    public static string EncoderKeys => string.Join(", ", AllSurveys.Select(s => s.EncoderKey));

    public static SurveyInfo ForSurvey(Survey survey) => AllSurveys[(int)survey];

    /// <summary>Parses a band name as written in files, catalogs and CLI options (case-sensitive for PS1 letters).</summary>
    public static BandInfo Parse(string name) =>
        All.FirstOrDefault(b => b.Name == name)
        ?? All.FirstOrDefault(b => b.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && b.Name.Length > 1)
        ?? throw new ArgumentException($"Unknown band '{name}'. Bands: {string.Join(", ", All.Select(b => b.Name))}.");

    // Computed once: these sit on per-record hot paths (a LINQ sum there allocated per call).
    private static readonly int[] NativeOffsets = ComputeOffsets();

    /// <summary>Total stored pixels of one sample: all 9 bands at native resolution.</summary>
    public static readonly int NativePixelsPerSample = NativeOffsets[BandCount];

    /// <summary>Offset (in pixels) of each band's native plane inside a sample's pixel block, in channel order.</summary>
    public static int NativePixelOffset(Band band) => NativeOffsets[(int)band];

    private static int[] ComputeOffsets()
    {
        CheckTables();
        var offsets = new int[BandCount + 1];
        for (int c = 0; c < BandCount; c++) offsets[c + 1] = offsets[c] + All[c].NativeSize * All[c].NativeSize;
        return offsets;
    }
}
