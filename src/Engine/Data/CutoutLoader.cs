using System.Globalization;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

/// <summary>
/// Loads the 9 bands of one source from a folder of cutouts in the reference naming
/// (<c>{name}.Galex.fits</c>, <c>{name}.{g,r,i,z,y}.fits</c>, <c>{name}.Unwise.fits</c>) and applies the
/// ingest rules: cutouts larger than native are centre-cropped, smaller ones rejected; PS1 needs EXPTIME;
/// more than 1% NaN in any PS1 band rejects the sample (paper §3.2); a missing or malformed WCS, a pixel scale not the
/// survey's, or a WCS centre far from the catalog position rejects it (a mismatched file).
/// </summary>
public sealed class CutoutLoader(string directory)
{
    private readonly Func<string, string>? _resolve;

    /// <summary>A loader whose files come from a resolver (file name in reference naming → path), e.g. a download cache.</summary>
    public CutoutLoader(Func<string, string> resolve) : this("")
    {
        _resolve = resolve;
    }

    private string PathOf(string fileName) => _resolve?.Invoke(fileName) ?? Path.Combine(Directory, fileName);

    /// <summary>Largest accepted offset between a cutout's WCS centre and the catalog position: this many native pixels…</summary>
    public const double MaxCentreOffsetPixels = 1.0;

    /// <summary>…or this many arcsec, whichever is larger (services centre on the nearest pixel).</summary>
    public const double MaxCentreOffsetArcsec = 2.0;

    public string Directory { get; } = directory;

    /// <summary>Loads and checks a sample; throws <see cref="SampleRejectedException"/> with the reason when it is unusable.</summary>
    public CutoutSample Load(string name, double ra, double dec)
    {
        var pixels = new float[BandCatalog.NativePixelsPerSample];
        var zps = new float[BandCatalog.BandCount];
        var flags = SampleFlags.None;
        foreach (var survey in BandCatalog.AllSurveys)
        {
            if (survey.CubeFileSuffix is not null)
                flags |= LoadCube(survey, name, ra, dec, pixels, zps);
            else
                foreach (var band in survey.Bands)
                    flags |= LoadSingle(band, name, ra, dec, pixels, zps);
        }
        return new CutoutSample(pixels, zps, flags);
    }

    private SampleFlags LoadCube(SurveyInfo survey, string name, double ra, double dec, float[] pixels, float[] zps)
    {
        var bands = survey.Bands;
        string path = PathOf(bands[0].FileName(name));
        var (image, flags) = Read(path, survey, ra, dec);
        if (image.Planes < bands.Count)
            throw new SampleRejectedException($"{Path.GetFileName(path)}: {survey.Name} cube has {image.Planes} plane(s), expected {bands.Count}");
        string? codes = image.Header.GetStringOrNull("BANDS")?.Trim();
        bool allZero = true;
        foreach (var band in bands)
        {
            int plane = band.CubePlane;
            if (!string.IsNullOrEmpty(codes) && band.CubeBandCode is { } code)
            {
                plane = codes.IndexOf(code, StringComparison.Ordinal);
                if (plane < 0)
                    throw new SampleRejectedException($"{Path.GetFileName(path)}: BANDS = '{codes}' has no plane for {band.Name} ('{code}')");
            }
            var dst = pixels.AsSpan(BandCatalog.NativePixelOffset(band.Band), survey.NativeSize * survey.NativeSize);
            flags |= CropInto(image, plane, survey.NativeSize, dst);
            if (dst.ContainsAnyExcept(0f)) allZero = false;
            zps[band.Channel] = (float)band.ZeroPoint();
        }
        if (allZero && survey.AllZeroMeansNoCoverage)
            flags |= CoverageFlags.NoCoverage(survey);
        return flags;
    }

    private SampleFlags LoadSingle(BandInfo band, string name, double ra, double dec, float[] pixels, float[] zps)
    {
        var survey = band.SurveyInfo;
        string path = PathOf(band.FileName(name));
        var (image, flags) = Read(path, survey, ra, dec);
        if (image.Planes != 1)
            throw new SampleRejectedException($"{Path.GetFileName(path)}: expected one image plane, found {image.Planes}");
        if (!image.Header.TryGetDouble("EXPTIME", out double exptime) || !(exptime > 0) || double.IsInfinity(exptime))
            throw new SampleRejectedException($"{Path.GetFileName(path)}: EXPTIME is missing or not positive (needed for the PS1 zero point)");
        var dst = pixels.AsSpan(BandCatalog.NativePixelOffset(band.Band), survey.NativeSize * survey.NativeSize);
        flags |= CropInto(image, 0, survey.NativeSize, dst);
        flags |= CheckPanStarrsNaN(band, dst);
        zps[band.Channel] = (float)band.ZeroPoint(exptime);
        return flags;
    }

    private static (FitsImage Image, SampleFlags Flags) Read(string path, SurveyInfo survey, double ra, double dec)
    {
        if (!File.Exists(path) && !System.IO.Directory.Exists(path))
            throw new SampleRejectedException($"missing file: {Path.GetFileName(path)}");
        FitsImage image;
        try
        {
            using var file = FitsFile.Open(path); // refuses FIFOs, devices and directories before open() could block
            var hdu = file.FirstImageHdu();
            CheckSize(path, hdu, survey);
            image = file.ReadImage(hdu);
        }
        catch (FitsFormatException e)
        {
            throw new SampleRejectedException($"FITS error: {Path.GetFileName(path)}: {e.Problem}", e);
        }
        int n = survey.NativeSize;
        if (image.Width < n || image.Height < n)
            throw new SampleRejectedException($"{Path.GetFileName(path)}: {survey.Name} cutout is {image.Width}×{image.Height}, smaller than {n}×{n}");
        var flags = image.Width > n || image.Height > n ? SampleFlags.Cropped : SampleFlags.None;
        CheckWcs(path, image, survey, ra, dec);
        return (image, flags);
    }

    /// <summary>Largest accepted cutout, per axis, in multiples of the survey's native size (larger ones are centre-cropped).</summary>
    public const int MaxOversize = 4;

    /// <summary>What the header claims, checked before any pixel is read: a hostile 40000² header costs nothing.</summary>
    private static void CheckSize(string path, FitsHdu hdu, SurveyInfo survey)
    {
        long width = hdu.Axes[0], height = hdu.Axes.Count > 1 ? hdu.Axes[1] : 1, planes = 1;
        for (int a = 2; a < hdu.Axes.Count; a++) planes *= Math.Min(hdu.Axes[a], int.MaxValue);
        long maxSide = (long)MaxOversize * survey.NativeSize, maxPlanes = (long)MaxOversize * survey.Bands.Count;
        if (width > maxSide || height > maxSide || planes > maxPlanes)
            throw new SampleRejectedException(
                $"{Path.GetFileName(path)}: {survey.Name} cutout claims {string.Join("×", hdu.Axes)} pixels, more than " +
                $"{maxSide}×{maxSide}×{maxPlanes} ({MaxOversize}× native)");
    }

    /// <summary>Largest accepted relative deviation of a cutout's pixel scale (either axis) from its survey's.</summary>
    public const double MaxPixelScaleDeviation = 0.01;

    /// <summary>
    /// The cutout must carry a TAN WCS (a file without one cannot be checked against the catalog, so it is refused), at
    /// the survey's pixel scale within <see cref="MaxPixelScaleDeviation"/>, centred on the catalog position.
    /// </summary>
    private static void CheckWcs(string path, FitsImage image, SurveyInfo survey, double ra, double dec)
    {
        TanWcs wcs;
        try
        {
            wcs = TanWcs.FromHeader(image.Header, path);
        }
        catch (FitsFormatException e)
        {
            throw new SampleRejectedException($"FITS error: {Path.GetFileName(path)}: {e.Problem}", e);
        }
        var (sx, sy) = wcs.PixelScaleArcsec;
        foreach (var (axis, scale) in new[] { (1, sx), (2, sy) })
            if (!(Math.Abs(scale / survey.PixelScaleArcsec - 1) <= MaxPixelScaleDeviation))
                throw new SampleRejectedException(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(path)}: pixel scale {scale:G6}″ along axis {axis} (CD{axis}_{axis}/CDELT{axis} and the rest of "
                    + $"the WCS matrix) is not {survey.Name}'s {survey.PixelScaleArcsec}″ (±{MaxPixelScaleDeviation:P0})"));
        var (cra, cdec) = wcs.CenterOf(image.Width, image.Height);
        double sep = TanWcs.SeparationArcsec(ra, dec, cra, cdec);
        double limit = Math.Max(MaxCentreOffsetArcsec, MaxCentreOffsetPixels * survey.PixelScaleArcsec);
        if (sep > limit)
            throw new SampleRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(path)}: cutout centre ({cra:F6}, {cdec:F6}) is {sep:F1}″ from the catalog position (limit {limit:F1}″)"));
    }

    /// <summary>The paper's NaN rule for one PS1 band: more than 1% NaN pixels rejects the sample.</summary>
    public static SampleFlags CheckPanStarrsNaN(BandInfo band, ReadOnlySpan<float> plane)
    {
        int nan = 0;
        foreach (float v in plane) if (float.IsNaN(v)) nan++;
        double fraction = nan / (double)plane.Length;
        if (fraction > BandCatalog.MaxPanStarrsNanFraction)
            throw new SampleRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"NaN rule: PS1 {band.Name} has {fraction:P2} NaN pixels ({nan} of {plane.Length}; limit {BandCatalog.MaxPanStarrsNanFraction:P0})"));
        return nan > 0 ? SampleFlags.PanStarrsHasNaN : SampleFlags.None;
    }

    /// <summary>
    /// Builds a sample from native-size planes already in memory (channel order) with the same rules as for files:
    /// ±Inf → NaN, the PS1 NaN rule, no-coverage flags, zero points (PS1 from <paramref name="ps1ExposureSeconds"/>).
    /// The simulator's direct path to shards uses it, so its records equal those of simulate + ingest.
    /// </summary>
    public static CutoutSample FromPlanes(IReadOnlyList<float[]> planes, IReadOnlyList<double> ps1ExposureSeconds)
    {
        var pixels = new float[BandCatalog.NativePixelsPerSample];
        var zps = new float[BandCatalog.BandCount];
        var flags = SampleFlags.None;
        foreach (var survey in BandCatalog.AllSurveys)
        {
            bool allZero = true;
            foreach (var band in survey.Bands)
            {
                var dst = pixels.AsSpan(BandCatalog.NativePixelOffset(band.Band), band.NativeSize * band.NativeSize);
                if (planes[band.Channel].Length != dst.Length)
                    throw new ArgumentException($"{band.Name}: plane has {planes[band.Channel].Length} pixels, expected {dst.Length}.");
                planes[band.Channel].CopyTo(dst);
                for (int i = 0; i < dst.Length; i++)
                    if (float.IsInfinity(dst[i])) { dst[i] = float.NaN; flags |= SampleFlags.InfinityAsNaN; }
                if (survey.Survey == Survey.PanStarrs)
                {
                    flags |= CheckPanStarrsNaN(band, dst);
                    zps[band.Channel] = (float)band.ZeroPoint(ps1ExposureSeconds[band.IndexInSurvey]);
                }
                else zps[band.Channel] = (float)band.ZeroPoint();
                if (dst.ContainsAnyExcept(0f)) allZero = false;
            }
            if (allZero && survey.AllZeroMeansNoCoverage)
                flags |= CoverageFlags.NoCoverage(survey);
        }
        return new CutoutSample(pixels, zps, flags);
    }

    /// <summary>Copies the centred n×n window of <paramref name="plane"/> into <paramref name="dst"/>; ±Inf becomes NaN.</summary>
    private static SampleFlags CropInto(FitsImage image, int plane, int n, Span<float> dst)
    {
        int x0 = (image.Width - n) / 2, y0 = (image.Height - n) / 2;
        var src = image.Plane(plane).Slice(y0, x0, n, n);
        var flags = SampleFlags.None;
        for (int y = 0; y < n; y++)
        {
            var row = dst.Slice(y * n, n);
            src.GetRowSpan(y).CopyTo(row);
            for (int x = 0; x < n; x++)
                if (float.IsInfinity(row[x])) { row[x] = float.NaN; flags |= SampleFlags.InfinityAsNaN; }
        }
        return flags;
    }
}
