using System.Collections.Concurrent;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>Where a position's 9 bands come from: the services, or a folder the user already holds.</summary>
public interface ICutoutSource
{
    /// <summary>The 9 bands at a position, checked by the ingest rules (NaN rule, crop, WCS centre).</summary>
    Task<CutoutSample> GetAsync(SkyPosition position, CancellationToken cancel);

    /// <summary>Reference-named files (name.g.fits, name.Galex.fits, …) of a position: file name → path.</summary>
    Task<IReadOnlyDictionary<string, string>> FilesAsync(SkyPosition position, string name, CancellationToken cancel);
}

/// <summary>Loads a sample from reference-named files wherever they are.</summary>
internal static class SampleFiles
{
    public const string Target = "target";

    public static CutoutSample Load(IReadOnlyDictionary<string, string> files, SkyPosition p)
    {
        try
        {
            return new CutoutLoader(name => files.TryGetValue(name, out var path) ? path : throw new SampleRejectedException($"{name}: not available"))
                .Load(Target, p.Ra, p.Dec);
        }
        catch (SampleRejectedException e) { throw new UserInputException($"cutouts at RA {p.Ra}, Dec {p.Dec} are unusable: {e.Message}"); }
        catch (FitsFormatException e) { throw new UserInputException($"cutouts at RA {p.Ra}, Dec {p.Dec}: {e.Message}"); }
    }
}

/// <summary>
/// Cutouts from the services (PS1 ps1filenames.py + fitscut.cgi, Legacy Surveys fits-cutout), through the on-disk
/// cache: a position whose 7 files are cached costs no request.
/// </summary>
public sealed class RemoteCutoutSource : ICutoutSource
{
    private readonly PanStarrsClient _ps1;
    private readonly LegacySurveyClient _legacy;
    private readonly CutoutCache _cache;

    public RemoteCutoutSource(ResilientHttp http, CutoutCache cache)
    {
        _ps1 = new PanStarrsClient(http);
        _legacy = new LegacySurveyClient(http);
        _cache = cache;
    }

    public async Task<CutoutSample> GetAsync(SkyPosition position, CancellationToken cancel) =>
        SampleFiles.Load(await FilesAsync(position, SampleFiles.Target, cancel), position);

    public async Task<IReadOnlyDictionary<string, string>> FilesAsync(SkyPosition p, string name, CancellationToken cancel)
    {
        var files = new Dictionary<string, string>();
        var tasks = new List<Task>();
        var ps1 = BandCatalog.PanStarrs.Bands;
        bool allPs1Cached = ps1.All(b => _cache.TryGet("ps1", b.Name, p, PanStarrsClient.Size, out _));
        Dictionary<string, string>? names = allPs1Cached ? null : await _ps1.FileNamesAsync(p, cancel);
        foreach (var band in ps1)
            tasks.Add(Fetch("ps1", band.Name, PanStarrsClient.Size, band.FileName(name), () => _ps1.CutoutAsync(p, names![band.Name], cancel)));
        foreach (var survey in new[] { BandCatalog.Galex, BandCatalog.Unwise })
            tasks.Add(Fetch("legacy", LegacySurveyClient.Layer(survey), survey.NativeSize, survey.Bands[0].FileName(name), () => _legacy.CutoutAsync(p, survey, cancel)));
        await Task.WhenAll(tasks);
        return files;

        async Task Fetch(string survey, string band, int size, string fileName, Func<Task<byte[]>> download)
        {
            if (!_cache.TryGet(survey, band, p, size, out var path)) path = _cache.Put(survey, band, p, size, await download());
            lock (files) files[fileName] = path;
        }
    }
}

/// <summary>
/// Cutouts a user already holds (for example the published data set), in reference naming, indexed by each file's
/// WCS centre: a position is served by the files centred within <see cref="MatchArcsec"/> of it. A request's NAME
/// is a label only — it never becomes part of a path.
/// </summary>
public sealed class LocalCutoutSource : ICutoutSource
{
    public const double MatchArcsec = 1.0;
    private readonly List<(string File, string Suffix, double Ra, double Dec)> _index = [];
    private static readonly string[] Suffixes = BandCatalog.All.Select(b => b.FileName("")).Distinct().ToArray(); // ".g.fits", ".Galex.fits", …

    public LocalCutoutSource(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new UserInputException($"--cutouts {directory}: folder not found");
        Directory = directory;
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.fits"))
        {
            string file = Path.GetFileName(path);
            string? suffix = Suffixes.FirstOrDefault(s => file.EndsWith(s, StringComparison.Ordinal));
            if (suffix is null) continue;
            try
            {
                using var f = FitsFile.Open(path);
                var hdu = f.FirstImageHdu();
                var wcs = TanWcs.FromHeader(hdu.Header, path);
                var (ra, dec) = wcs.CenterOf((int)hdu.Axes[0], (int)hdu.Axes[1]);
                _index.Add((path, suffix, ra, dec));
            }
            catch (Exception e) when (e is FitsFormatException or UserInputException or IOException) { Skipped.Add($"{file}: {e.Message}"); }
        }
    }

    public string Directory { get; }
    public int Files => _index.Count;
    /// <summary>Files that could not be indexed, with the reason.</summary>
    public ConcurrentBag<string> Skipped { get; } = [];

    public Task<CutoutSample> GetAsync(SkyPosition position, CancellationToken cancel) =>
        Task.FromResult(SampleFiles.Load(Find(position, SampleFiles.Target), position));

    public Task<IReadOnlyDictionary<string, string>> FilesAsync(SkyPosition position, string name, CancellationToken cancel) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(Find(position, name));

    private Dictionary<string, string> Find(SkyPosition p, string name)
    {
        var files = new Dictionary<string, string>();
        foreach (var suffix in Suffixes)
        {
            var best = _index.Where(e => e.Suffix == suffix)
                .Select(e => (e.File, Sep: TanWcs.SeparationArcsec(e.Ra, e.Dec, p.Ra, p.Dec)))
                .Where(e => e.Sep <= MatchArcsec).OrderBy(e => e.Sep).FirstOrDefault();
            if (best.File is null)
                throw new UserInputException($"{Directory}: no *{suffix} cutout centred within {MatchArcsec}″ of RA {p.Ra}, Dec {p.Dec}");
            files[name + suffix] = best.File;
        }
        return files;
    }
}
