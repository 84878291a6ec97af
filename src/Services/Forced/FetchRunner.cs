using System.Collections.Concurrent;
using System.Globalization;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Cutouts;
using MantisShrimp.Engine.Data;

namespace MantisShrimp.Engine.Forced;

/// <summary>
/// <c>mantis fetch --catalog catalog.csv --out DIR</c>: every object's 7 cutout files in reference naming
/// (<c>{id}.{g,r,i,z,y}.fits</c>, <c>{id}.Galex.fits</c>, <c>{id}.Unwise.fits</c>) — ready for <c>mantis ingest</c>.
/// Resumable (<c>DIR/fetch.journal</c>), polite (the clients' concurrency and per-host limits), and failures are listed
/// per object in <c>DIR/fetch_failures.csv</c> (id, ra, dec, reason) instead of stopping the run. An id that is not a
/// plain file name (path separators, "..", control characters) is refused, never used as a path.
/// </summary>
public static class FetchRunner
{
    public const string Journal = "fetch.journal", Failures = "fetch_failures.csv";

    public static bool IsSafeFileName(string id) =>
        id.Length is > 0 and <= 200 && !id.StartsWith('.') && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+');

    public static (int Fetched, int Skipped, int Failed) Run(ICutoutSource source, string catalog, string outDir,
        IProgressReporter? progress = null,
        CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        var positions = PredictRunner.ReadPositions(catalog);
        Directory.CreateDirectory(outDir);
        string journalPath = Path.Combine(outDir, Journal);
        var done = AppendLog.ReadLines(journalPath).ToHashSet();
        var failures = new ConcurrentDictionary<int, string>();
        int fetched = 0;
        using (var journal = new AppendLog(journalPath))
        {
            var todo = Enumerable.Range(0, positions.Count).Where(i => !done.Contains(positions[i].Name)).ToArray();
            using var task = progress.Start("fetch (objects)", todo.Length);
            Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel }, async (i, token) =>
            {
                var pos = positions[i];
                try
                {
                    if (!IsSafeFileName(pos.Name)) throw new UserInputException($"id '{pos.Name}' is not a plain file name (letters, " +
                        $"digits, . _ - +)");
                    var p = SkyPosition.Checked(pos.Ra, pos.Dec);
                    var files = await source.FilesAsync(p, pos.Name, token);
                    foreach (var (fileName, path) in files)
                    {
                        string target = Path.Combine(outDir, fileName);
                        AtomicFile.Copy(path, target);
                    }
                    journal.Append(pos.Name);
                    Interlocked.Increment(ref fetched);
                }
                catch (Exception e) when (e is UserInputException or UpstreamException or IOException)
                {
                    failures[i] = Csv.Line([pos.Name, pos.Ra.ToString("R", CultureInfo.InvariantCulture),
                        pos.Dec.ToString("R", CultureInfo.InvariantCulture), e.Message]);
                }
                task.Advance();
            }).GetAwaiter().GetResult();
        }
        AtomicFile.WriteAllText(Path.Combine(outDir, Failures),
            "id,ra,dec,reason\n" + string.Join("", failures.OrderBy(kv => kv.Key).Select(kv => kv.Value + "\n")));
        return (fetched, positions.Count - fetched - failures.Count, failures.Count);
    }
}
