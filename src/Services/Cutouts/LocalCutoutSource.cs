using System.Collections.Concurrent;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>
/// Cutouts a user already holds (for example the published data set), in reference naming, indexed by each file's
/// WCS centre: a position is served by the files centred within <see cref="MatchArcsec"/> of it. A request's NAME
/// is a label only — it never becomes part of a path. The index is kept in a sky grid of 0.01° cells (lookups touch
/// a few cells, whatever the folder's size) and, when an index file is given, persisted there: a rerun reads only
/// the headers of files that are new or changed (size or time), so a folder of millions of files is indexed once.
/// </summary>
public sealed class LocalCutoutSource : ICutoutSource
{
    public const double MatchArcsec = 1.0;
    private const double CellDegrees = 0.01;
    private readonly Dictionary<(int, int), List<Entry>> _grid = new();
    private static readonly string[] Suffixes =
        BandTable.All.Select(b => b.FileName("")).Distinct().ToArray(); // ".g.fits", ".Galex.fits", …
    private static readonly HashSet<string> PanStarrsSuffixes = BandTable.PanStarrs.Bands.Select(b => b.FileName("")).ToHashSet();

    private sealed record Entry(string File, string Suffix, double Ra, double Dec, long Size, long Ticks);

    /// <param name="progress">Told how far the indexing is, one unit per cutout file (a first index of a large folder reads every
    /// header).</param>
    public LocalCutoutSource(string directory, string? indexFile = null, IProgressReporter? progress = null)
    {
        if (!System.IO.Directory.Exists(directory)) throw new UserInputException($"--cutouts {directory}: folder not found");
        Directory = directory;
        var known = indexFile is null ? new Dictionary<string, Entry>() : ReadIndex(indexFile);
        var entries = new List<Entry>();
        var cutouts = new List<(string Path, string Suffix)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.fits"))
        {
            string name = Path.GetFileName(path);
            if (Suffixes.FirstOrDefault(x => name.EndsWith(x, StringComparison.Ordinal)) is { } suffix) cutouts.Add((path, suffix));
        }
        using var task = (progress ?? NullProgress.Instance).Start($"indexing {directory}", cutouts.Count);
        foreach (var (path, suffix) in cutouts)
        {
            task.Advance();
            string file = Path.GetFileName(path);
            var info = new FileInfo(path);
            if (known.TryGetValue(file, out var e) && e.Size == info.Length && e.Ticks == info.LastWriteTimeUtc.Ticks)
            {
                entries.Add(e with { File = path });
                continue;
            }
            try
            {
                using var f = FitsFile.Open(path);
                var hdu = f.FirstImageHdu();
                var wcs = TanWcs.FromHeader(hdu.Header, path);
                var (ra, dec) = wcs.CenterOf((int)hdu.Axes[0], (int)hdu.Axes[1]);
                entries.Add(new Entry(path, suffix, ra, dec, info.Length, info.LastWriteTimeUtc.Ticks));
                HeadersRead++;
            }
            catch (Exception ex) when (ex is FitsFormatException or UserInputException or IOException) { Skipped.Add($"{file}: " +
                $"{ex.Message}"); }
        }
        foreach (var e in entries)
        {
            var key = Cell(e.Ra, e.Dec);
            if (!_grid.TryGetValue(key, out var list)) _grid[key] = list = [];
            list.Add(e);
        }
        Files = entries.Count;
        if (indexFile is not null) WriteIndex(indexFile, entries);
    }

    public string Directory { get; }
    public int Files { get; }
    /// <summary>FITS headers read while indexing (0 when the persisted index was current).</summary>
    public int HeadersRead { get; }
    /// <summary>Files that could not be indexed, with the reason.</summary>
    public ConcurrentBag<string> Skipped { get; } = [];

    /// <summary>
    /// A position whose files for every band are in the folder (the first such id in name order), for examples that
    /// work with these cutouts (the web page's); null when no id is complete.
    /// </summary>
    public SkyPosition? Example() =>
        _grid.Values.SelectMany(e => e)
            .GroupBy(e => Path.GetFileName(e.File)[..^e.Suffix.Length], StringComparer.Ordinal)
            .Where(g => g.Select(e => e.Suffix).Distinct().Count() == Suffixes.Length)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (SkyPosition?)new SkyPosition(g.First().Ra, g.First().Dec)).FirstOrDefault();

    private static (int, int) Cell(double ra, double dec) => ((int)Math.Floor(ra / CellDegrees), (int)Math.Floor((dec + 90) / CellDegrees));

    public Task<CutoutSample> GetAsync(SkyPosition position, CancellationToken cancel, bool allowNan = false) =>
        Task.FromResult(SampleFiles.Load(Find(position, SampleFiles.Target), position, allowNan));

    public Task<SampleFlags> LoadIntoAsync(SkyPosition position, float[] pixels, float[] zeroPoints, CancellationToken cancel,
        bool allowNan = false) =>
        Task.FromResult(SampleFiles.LoadInto(Find(position, SampleFiles.Target), position, allowNan, pixels, zeroPoints));

    public Task<IReadOnlyDictionary<string, string>> FilesAsync(SkyPosition position, string name, CancellationToken cancel) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(Find(position, name));

    private IEnumerable<Entry> Near(SkyPosition p)
    {
        var (cx, cy) = Cell(p.Ra, p.Dec);
        double cos = Math.Max(Math.Cos(p.Dec * Math.PI / 180), 1e-6);
        int reach = (int)Math.Min(Math.Ceiling(MatchArcsec / 3600 / CellDegrees / cos) + 1, 360 / CellDegrees);
        int cells = (int)(360 / CellDegrees);
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -reach; dx <= reach; dx++)
                if (_grid.TryGetValue((((cx + dx) % cells + cells) % cells, cy + dy), out var list))
                    foreach (var e in list) yield return e;
    }

    private Dictionary<string, string> Find(SkyPosition p, string name)
    {
        var near = Near(p).Select(e => (e, Sep: TanWcs.SeparationArcsec(e.Ra, e.Dec, p.Ra, p.Dec))).Where(x =>
            x.Sep <= MatchArcsec).ToList();
        var files = new Dictionary<string, string>();
        foreach (var suffix in Suffixes)
        {
            var best = near.Where(x => x.e.Suffix == suffix).OrderBy(x => x.Sep).FirstOrDefault();
            if (best.e is null && !PanStarrsSuffixes.Contains(suffix)) continue; // no GALEX / unWISE coverage here: zeros
            if (best.e is null)
                throw new UserInputException(
                    $"the --cutouts folder has no *{suffix} cutout centred within {MatchArcsec}″ of RA {p.Ra}, Dec {p.Dec}");
            files[name + suffix] = best.e.File;
        }
        return files;
    }

    private static Dictionary<string, Entry> ReadIndex(string path)
    {
        var result = new Dictionary<string, Entry>();
        if (!File.Exists(path)) return result;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length != 6) continue; // a torn or foreign line is simply re-indexed
            var ci = System.Globalization.CultureInfo.InvariantCulture;
            if (double.TryParse(f[2], ci, out var ra) && double.TryParse(f[3], ci, out var dec) && long.TryParse(f[4], out var size)
                && long.TryParse(f[5], out var ticks))
                result[f[0]] = new Entry(f[0], f[1], ra, dec, size, ticks);
        }
        return result;
    }

    private static void WriteIndex(string path, List<Entry> entries)
    {
        // Several processes (MPI ranks) may index the same folder at once: each writes its own temp file.
        AtomicFile.Write(path, s =>
        {
            using var w = new StreamWriter(s, leaveOpen: true);
            w.Write("file\tsuffix\tra\tdec\tsize\tticks\n");
            foreach (var e in entries)
                w.Write(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(e.File)}\t{e.Suffix}\t{e.Ra:R}\t{e.Dec:R}\t{e.Size}\t{e.Ticks}\n"));
        });
    }
}
