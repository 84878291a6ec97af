using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
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

    /// <summary>
    /// Forced photo-z: a GALEX or unWISE file that is not there (the folder or the service has none) is read as zeros
    /// with the no-coverage flag, which is how the training set stores no coverage; ingest keeps refusing it.
    /// </summary>
    public bool MissingCoverageAsZeros { get; init; }

    /// <summary>Forced photo-z <c>--allow-nan</c>: a PS1 band over the 1% NaN rule is kept, flagged <see
    /// cref="SampleFlags.PanStarrsNanOverLimit"/>.</summary>
    public bool AllowNan { get; init; }

    /// <summary>Resolver result for a file the source does not have (distinct from a path that does not exist).</summary>
    public const string NotAvailable = "";

    /// <summary>Loads and checks a sample; throws <see cref="SampleRejectedException"/> with the reason when it is unusable.</summary>
    public CutoutSample Load(string name, double ra, double dec)
    {
        var pixels = new float[BandTable.NativePixelsPerSample];
        var zps = new float[BandTable.BandCount];
        var flags = LoadInto(name, ra, dec, pixels, zps);
        return new CutoutSample(pixels, zps, flags);
    }

    /// <summary>
    /// <see cref="Load"/> into the caller's buffers (<see cref="BandTable.NativePixelsPerSample"/> pixels in channel
    /// order, <see cref="BandTable.BandCount"/> zero points); returns the sample's flags. Safe to call from parallel
    /// workers: each thread decodes with its own <see cref="FitsImageReader"/>, whose buffers are reused from file to file.
    /// </summary>
    public SampleFlags LoadInto(string name, double ra, double dec, Span<float> pixels, Span<float> zeroPoints)
    {
        if (pixels.Length != BandTable.NativePixelsPerSample)
            throw new ArgumentException($"pixels holds {pixels.Length} values; a sample has {BandTable.NativePixelsPerSample}.",
                nameof(pixels));
        if (zeroPoints.Length != BandTable.BandCount)
            throw new ArgumentException($"zeroPoints holds {zeroPoints.Length} values; a sample has {BandTable.BandCount}.",
                nameof(zeroPoints));
        var reader = t_reader ??= new FitsImageReader();
        var flags = SampleFlags.None;
        foreach (var survey in BandTable.AllSurveys)
        {
            if (survey.CubeFileSuffix is not null)
                flags |= LoadCube(reader, survey, name, ra, dec, pixels, zeroPoints);
            else
                foreach (var band in survey.Bands)
                    flags |= LoadSingle(reader, band, name, ra, dec, pixels, zeroPoints);
        }
        return flags;
    }

    /// <summary>One reader per thread: its file and pixel buffers grow to the largest cutout once, then are reused.</summary>
    [ThreadStatic] private static FitsImageReader? t_reader;

    private SampleFlags LoadCube(FitsImageReader reader, SurveyInfo survey, string name, double ra, double dec, Span<float> pixels,
        Span<float> zps)
    {
        var bands = survey.Bands;
        string path = PathOf(bands[0].FileName(name));
        if (MissingCoverageAsZeros && (path.Length == 0 || !File.Exists(path)))
        {
            foreach (var band in bands) zps[band.Channel] = (float)band.ZeroPoint(); // the pixels stay 0
            return survey.Survey == Survey.Galex ? SampleFlags.GalexNoCoverage : SampleFlags.UnwiseNoCoverage;
        }
        var flags = Read(reader, path, survey, ra, dec, out var image, out int width, out int height, out int planes);
        if (planes < bands.Count)
            throw new SampleRejectedException($"{Path.GetFileName(path)}: {survey.Name} cube has {planes} plane(s), expected " +
                $"{bands.Count}");
        // BANDS, copied out of the reader (its look-ups reuse one buffer); a card's value fits on the stack.
        var bandsValue = reader.TryGetStringSpan("BANDS", out var value) ? value.Trim() : [];
        Span<char> codes = bandsValue.Length <= FitsCard.CardLength ? stackalloc char[bandsValue.Length] : new char[bandsValue.Length];
        bandsValue.CopyTo(codes);
        bool allZero = true;
        foreach (var band in bands)
        {
            int plane = band.CubePlane;
            if (!codes.IsEmpty && band.CubeBandCode is { } code)
            {
                plane = codes.IndexOf(code, StringComparison.Ordinal);
                if (plane < 0)
                    throw new SampleRejectedException($"{Path.GetFileName(path)}: BANDS = '{codes}' has no plane for {band.Name} " +
                        $"('{code}')");
            }
            var dst = pixels.Slice(BandTable.NativePixelOffset(band.Band), survey.NativeSize * survey.NativeSize);
            flags |= CropInto(image, width, height, planes, plane, survey.NativeSize, dst);
            if (dst.ContainsAnyExcept(0f)) allZero = false;
            zps[band.Channel] = (float)band.ZeroPoint();
        }
        if (allZero && survey.AllZeroMeansNoCoverage)
            flags |= CoverageFlags.NoCoverage(survey);
        return flags;
    }

    private SampleFlags LoadSingle(FitsImageReader reader, BandInfo band, string name, double ra, double dec, Span<float> pixels,
        Span<float> zps)
    {
        var survey = band.SurveyInfo;
        string path = PathOf(band.FileName(name));
        var flags = Read(reader, path, survey, ra, dec, out var image, out int width, out int height, out int planes);
        if (planes != 1)
            throw new SampleRejectedException($"{Path.GetFileName(path)}: expected one image plane, found {planes}");
        if (!reader.TryGetDouble("EXPTIME", out double exptime) || !(exptime > 0) || double.IsInfinity(exptime))
            throw new SampleRejectedException($"{Path.GetFileName(path)}: EXPTIME is missing or not positive (needed for the PS1 zero " +
                $"point)");
        var dst = pixels.Slice(BandTable.NativePixelOffset(band.Band), survey.NativeSize * survey.NativeSize);
        flags |= CropInto(image, width, height, planes, 0, survey.NativeSize, dst);
        flags |= CheckPanStarrsNaN(band, dst, AllowNan);
        zps[band.Channel] = (float)band.ZeroPoint(exptime);
        return flags;
    }

    /// <summary>Opens, checks and decodes one cutout into <paramref name="reader"/>'s pixel buffer (valid until its next file).</summary>
    private static SampleFlags Read(FitsImageReader reader, string path, SurveyInfo survey, double ra, double dec,
        out ReadOnlySpan<float> image, out int width, out int height, out int planes)
    {
        if (path.Length == 0) throw new SampleRejectedException($"missing file: the source has no {survey.Name} cutout");
        if (!File.Exists(path) && !System.IO.Directory.Exists(path))
            throw new SampleRejectedException($"missing file: {Path.GetFileName(path)}");
        try
        {
            reader.Open(path); // refuses FIFOs, devices and directories before open() could block
            CheckSize(path, reader.Axes, survey);
            image = reader.ReadPixels(out width, out height, out planes);
        }
        catch (FitsFormatException e)
        {
            throw new SampleRejectedException($"FITS error: {Path.GetFileName(path)}: {e.Problem}", e);
        }
        int n = survey.NativeSize;
        if (width < n || height < n)
            throw new SampleRejectedException($"{Path.GetFileName(path)}: {survey.Name} cutout is {width}×{height}, smaller than {n}×{n}");
        var flags = width > n || height > n ? SampleFlags.Cropped : SampleFlags.None;
        CheckWcs(path, reader, width, height, survey, ra, dec);
        return flags;
    }

    /// <summary>Largest accepted cutout, per axis, in multiples of the survey's native size (larger ones are centre-cropped).</summary>
    public const int MaxOversize = 4;

    /// <summary>What the header claims, checked before any pixel is read: a hostile 40000² header costs nothing.</summary>
    private static void CheckSize(string path, ReadOnlySpan<long> axes, SurveyInfo survey)
    {
        long width = axes[0], height = axes.Length > 1 ? axes[1] : 1, planes = 1;
        for (int a = 2; a < axes.Length; a++) planes *= Math.Min(axes[a], int.MaxValue);
        long maxSide = (long)MaxOversize * survey.NativeSize, maxPlanes = (long)MaxOversize * survey.Bands.Count;
        if (width > maxSide || height > maxSide || planes > maxPlanes)
            throw new SampleRejectedException(
                $"{Path.GetFileName(path)}: {survey.Name} cutout claims {string.Join("×", axes.ToArray())} pixels, more than " +
                $"{maxSide}×{maxSide}×{maxPlanes} ({MaxOversize}× native)");
    }

    /// <summary>Largest accepted relative deviation of a cutout's pixel scale (either axis) from its survey's.</summary>
    public const double MaxPixelScaleDeviation = 0.01;

    /// <summary>
    /// The cutout must carry a TAN WCS (a file without one cannot be checked against the catalog, so it is refused), at
    /// the survey's pixel scale within <see cref="MaxPixelScaleDeviation"/>, centred on the catalog position.
    /// </summary>
    private static void CheckWcs(string path, IFitsKeywords header, int width, int height, SurveyInfo survey, double ra, double dec)
    {
        TanWcs wcs;
        try
        {
            wcs = TanWcs.FromHeader(header, path);
        }
        catch (FitsFormatException e)
        {
            throw new SampleRejectedException($"FITS error: {Path.GetFileName(path)}: {e.Problem}", e);
        }
        var (sx, sy) = wcs.PixelScaleArcsec;
        CheckPixelScale(path, 1, sx, survey);
        CheckPixelScale(path, 2, sy, survey);
        var (cra, cdec) = wcs.CenterOf(width, height);
        double sep = TanWcs.SeparationArcsec(ra, dec, cra, cdec);
        double limit = Math.Max(MaxCentreOffsetArcsec, MaxCentreOffsetPixels * survey.PixelScaleArcsec);
        if (sep > limit)
            throw new SampleRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(path)}: cutout centre ({cra:F6}, {cdec:F6}) is {sep:F1}″ from the catalog position (limit " +
                    $"{limit:F1}″)"));
    }

    private static void CheckPixelScale(string path, int axis, double scale, SurveyInfo survey)
    {
        if (!(Math.Abs(scale / survey.PixelScaleArcsec - 1) <= MaxPixelScaleDeviation))
            throw new SampleRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(path)}: pixel scale {scale:G6}″ along axis {axis} (CD{axis}_{axis}/CDELT{axis} and the rest of "
                + $"the WCS matrix) is not {survey.Name}'s {survey.PixelScaleArcsec}″ (±{MaxPixelScaleDeviation:P0})"));
    }

    /// <summary>The paper's NaN rule for one PS1 band: more than 1% NaN pixels rejects the sample.</summary>
    /// <param name="allowOverLimit">Keep a band over the limit, flagged (forced photo-z <c>--allow-nan</c>).</param>
    public static SampleFlags CheckPanStarrsNaN(BandInfo band, ReadOnlySpan<float> plane, bool allowOverLimit = false)
    {
        int nan = CountNaN(plane);
        double fraction = nan / (double)plane.Length;
        if (fraction > BandTable.MaxPanStarrsNanFraction
            && allowOverLimit) return SampleFlags.PanStarrsHasNaN | SampleFlags.PanStarrsNanOverLimit;
        if (fraction > BandTable.MaxPanStarrsNanFraction)
            throw new SampleRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"NaN rule: PS1 {band.Name} has {fraction:P2} NaN pixels ({nan} of {plane.Length}; limit " +
                    $"{BandTable.MaxPanStarrsNanFraction:P0})"));
        return nan > 0 ? SampleFlags.PanStarrsHasNaN : SampleFlags.None;
    }

    /// <summary>
    /// Builds a sample from native-size planes already in memory (channel order) with the same rules as for files:
    /// ±Inf → NaN, the PS1 NaN rule, no-coverage flags, zero points (PS1 from <paramref name="ps1ExposureSeconds"/>).
    /// The simulator's direct path to shards uses it, so its records equal those of simulate + ingest.
    /// </summary>
    public static CutoutSample FromPlanes(IReadOnlyList<float[]> planes, IReadOnlyList<double> ps1ExposureSeconds)
    {
        var pixels = new float[BandTable.NativePixelsPerSample];
        var zps = new float[BandTable.BandCount];
        var flags = SampleFlags.None;
        foreach (var survey in BandTable.AllSurveys)
        {
            bool allZero = true;
            foreach (var band in survey.Bands)
            {
                var dst = pixels.AsSpan(BandTable.NativePixelOffset(band.Band), band.NativeSize * band.NativeSize);
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

    /// <summary>Copies the centred n×n window of plane <paramref name="plane"/> of a width×height×planes image into <paramref name="dst"/>;
    /// ±Inf becomes NaN.</summary>
    private static SampleFlags CropInto(ReadOnlySpan<float> image, int width, int height, int planes, int plane, int n, Span<float> dst)
    {
        if ((uint)plane >= (uint)planes) throw new ArgumentOutOfRangeException(nameof(plane), $"Plane {plane} of a {planes}-plane image.");
        int x0 = (width - n) / 2, y0 = (height - n) / 2;
        var src = image.Slice(plane * width * height, width * height);
        var flags = SampleFlags.None;
        for (int y = 0; y < n; y++)
        {
            var row = dst.Slice(y * n, n);
            src.Slice((y0 + y) * width + x0, n).CopyTo(row);
            if (!HasInfinity(row)) continue;
            for (int x = 0; x < n; x++)
                if (float.IsInfinity(row[x])) { row[x] = float.NaN; flags |= SampleFlags.InfinityAsNaN; }
        }
        return flags;
    }

    // The two scans every pixel of a sample passes through (forced photo-z decodes millions): whole vectors at a time.
    private static bool HasInfinity(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var infinity = new Vector<float>(float.PositiveInfinity);
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            foreach (var v in vectors)
                if (Vector.EqualsAny(Vector.Abs(v), infinity)) return true;
            i = vectors.Length * Vector<float>.Count;
        }
        for (; i < values.Length; i++)
            if (float.IsInfinity(values[i])) return true;
        return false;
    }

    private static int CountNaN(ReadOnlySpan<float> values)
    {
        int i = 0, nan = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var notEqual = Vector<int>.Zero; // −1 per lane for each NaN: only NaN differs from itself
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            foreach (var v in vectors) notEqual += Vector.OnesComplement(Vector.Equals(v, v));
            nan = -Vector.Sum(notEqual);
            i = vectors.Length * Vector<float>.Count;
        }
        for (; i < values.Length; i++)
            if (float.IsNaN(values[i])) nan++;
        return nan;
    }
}
