using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

public sealed record IngestOptions(string CatalogPath, string CutoutsDirectory, string OutputDirectory)
{
    /// <summary>Number of chunks the shuffled data are cut into (paper: 16).</summary>
    public int Chunks { get; init; } = 16;

    public ulong Seed { get; init; }

    public int MaxParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// Catalog + cutouts → shards. Resumable and idempotent: progress is journaled in <c>OUT/.ingest/</c>
/// (per-row verdicts, then written record slots); every record has a fixed slot decided by the seed, so
/// re-running after an interruption rewrites only what is missing and produces the same bytes and the
/// same manifest as an uninterrupted run. One bad file never aborts the run: it becomes a line of
/// <c>rejects.csv</c>.
/// </summary>
public static class Ingest
{
    // The leading columns of a shard's meta.csv; the catalog's extra columns follow.
    private static readonly string[] MetaColumns = ["slot", "id", "row", "ra", "dec", "z", "ebv_csfd", "ebv_planck"];

    public const string ManifestFile = "manifest.json", RejectsFile = "rejects.csv", WorkDirectory = ".ingest";

    public static IngestSummary Run(IngestOptions options, IProgressReporter? progress = null, CancellationToken cancel = default) =>
        Run(options, source: null, progress, cancel);

    /// <summary>
    /// Ingest with another source of samples than FITS files in <see cref="IngestOptions.CutoutsDirectory"/> (which
    /// then only labels the source in the resume fingerprint) — the simulator's direct path. The source is asked once per
    /// row: the verdict pass keeps each accepted record in a spool (<c>.ingest/records.spool</c>) that the write pass copies
    /// into its slot. Only a record lost from the spool (a resumed run whose spool was removed or not flushed) is asked for
    /// again, so the source must still be deterministic.
    /// </summary>
    public static IngestSummary Run(IngestOptions options, Func<CatalogEntry, CutoutSample>? source, IProgressReporter? progress = null,
        CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        if (options.Chunks is < 1 or > 999) throw new UserInputException($"--chunks must be in 1..999 (got {options.Chunks})");
        if (source is null && !Directory.Exists(options.CutoutsDirectory))
            throw new UserInputException($"Cutout directory not found: {options.CutoutsDirectory}");
        var catalog = InputCatalog.Load(options.CatalogPath);
        string catalogSha = Sha256File(options.CatalogPath);
        string outDir = options.OutputDirectory;
        string work = Path.Combine(outDir, WorkDirectory);
        if (CompletedEarlier(options, catalogSha, progress) is { } done) return done;
        OpenJournal(options, source is null, catalogSha, work);

        var files = new CutoutLoader(options.CutoutsDirectory);
        Func<CatalogEntry, CutoutSample> load = source ?? (e => files.Load(e.Id, e.Ra, e.Dec));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxParallelism, 1, nameof(options.MaxParallelism));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelism, CancellationToken = cancel };

        string spoolPath = Path.Combine(work, SpoolFile);
        using var spool = File.OpenHandle(spoolPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var verdicts = CheckCutouts(catalog, load, spool, spoolPath, work, parallel, progress);
        var plan = ShardPlan.Of(catalog, verdicts, options);
        WriteShards(plan, catalog, load, spool, outDir, work, parallel, progress);
        spool.Dispose();
        File.Delete(spoolPath); // as large as the shards: free it before the metadata pass

        // Phase 3: metadata, checksums, rejects and the manifest (written last, atomically: its presence means complete).
        progress.Message("writing metadata and checksums");
        using var metadata = Diagnostics.StageTimings.Stage("metadata");
        var shards = WriteMetadata(plan, catalog, outDir);
        WriteRejects(catalog, verdicts, outDir);
        var manifest = Manifest(options, catalog, catalogSha, shards, verdicts);
        AtomicFile.WriteAllText(Path.Combine(outDir, ManifestFile), JsonSerializer.Serialize(manifest, ShardManifest.Json) + "\n");
        progress.Message("measuring target photometry");
        using (var set = ShardSet.Open(outDir)) PhotometryTable.WriteMissing(set, options.MaxParallelism,
            cancel); // once, for every consumer
        Directory.Delete(work, recursive: true);
        return new IngestSummary(manifest, false, plan.Accepted.Length, manifest.Counts.Rejected);
    }

    /// <summary>
    /// The summary of a finished ingest of the same catalog, seed and chunk count into <see cref="IngestOptions.OutputDirectory"/>
    /// (nothing to do), or null when there is none; a finished ingest of other settings, or a folder with other content, is refused.
    /// </summary>
    private static IngestSummary? CompletedEarlier(IngestOptions options, string catalogSha, IProgressReporter progress)
    {
        string outDir = options.OutputDirectory;
        if (File.Exists(Path.Combine(outDir, ManifestFile)))
        {
            var existing = ShardManifest.Load(outDir);
            if (existing.Catalog.Sha256 == catalogSha && existing.Seed == options.Seed && existing.Chunks == options.Chunks)
            {
                progress.Message($"{outDir} already holds this shard set; nothing to do.");
                return new IngestSummary(existing, true, existing.Counts.Train + existing.Counts.Val + existing.Counts.Test,
                    existing.Counts.Rejected);
            }
            throw new UserInputException($"{outDir} already holds a shard set built from another catalog, seed or chunk count; choose " +
                $"another --out.");
        }
        if (Directory.Exists(outDir) && !Directory.Exists(Path.Combine(outDir, WorkDirectory)) &&
            Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new UserInputException($"{outDir} is not empty and holds no interrupted ingest; choose an empty or new --out.");
        return null;
    }

    /// <summary>
    /// Creates the journal folder, or checks that the interrupted ingest it holds had the same settings: a resumed run must
    /// produce the bytes of an uninterrupted one.
    /// </summary>
    private static void OpenJournal(IngestOptions options, bool fromFiles, string catalogSha, string work)
    {
        Directory.CreateDirectory(work);
        string settings = string.Join("\n",
            $"format_version={ShardLayout.FormatVersion}", $"catalog_sha256={catalogSha}",
            $"cutouts={(fromFiles ? Path.GetFullPath(options.CutoutsDirectory) : options.CutoutsDirectory)}", $"seed={options.Seed}",
                $"chunks={options.Chunks}") + "\n";
        string settingsPath = Path.Combine(work, "settings");
        if (File.Exists(settingsPath) && File.ReadAllText(settingsPath) != settings)
            throw new UserInputException($"{options.OutputDirectory} holds an interrupted ingest with other " +
                $"settings:\n{File.ReadAllText(settingsPath)}Re-run with those settings, or choose another --out.");
        AtomicFile.WriteAllText(settingsPath, settings);
    }

    /// <summary>
    /// Phase 1: a verdict for every catalog row (accepted, or the reason it is rejected), journaled in <c>verdicts.log</c>.
    /// Each accepted record goes to the spool at its catalog position before its verdict is logged, so the write pass need
    /// not read the cutouts again.
    /// </summary>
    private static ConcurrentDictionary<int, string?> CheckCutouts(InputCatalog catalog, Func<CatalogEntry, CutoutSample> load,
        SafeFileHandle spool, string spoolPath, string work, ParallelOptions parallel, IProgressReporter progress)
    {
        var verdicts = ReadVerdicts(Path.Combine(work, "verdicts.log"));
        using var log = new AppendLog(Path.Combine(work, "verdicts.log"));
        foreach (var p in catalog.Problems)
            if (!verdicts.ContainsKey(p.Row)) Record(log, verdicts, p.Row, p.Reason);
        var todo = catalog.Entries.Select((e, i) => (Entry: e, Position: i)).Where(t => !verdicts.ContainsKey(t.Entry.Row)).ToArray();
        using var task = progress.Start("checking cutouts", todo.Length);
        using var stage = Diagnostics.StageTimings.Stage("check_cutouts", todo.Length); // read, decode, apply the rules, spool
        Parallel.ForEach(todo, parallel,
            () => new byte[ShardLayout.RecordStride],
            (t, _, buffer) =>
            {
                string? reason = null;
                try
                {
                    FillRecord(buffer, t.Entry, load(t.Entry));
                    DiskFull.Guard(spoolPath, () => RandomAccess.Write(spool, buffer, SpoolOffset(t.Position)), ResumeAdvice);
                }
                catch (SampleRejectedException e)
                {
                    Diagnostics.EngineMetrics.Rejects.Add(1);
                    reason = e.Message;
                }
                Record(log, verdicts, t.Entry.Row, reason);
                task.Advance();
                return buffer;
            },
            _ => { });
        return verdicts;
    }

    /// <summary>The accepted rows, each with its fixed slot (decided by the seed), and the record count of every shard.</summary>
    private sealed record ShardPlan(CatalogEntry[] Accepted, SlotAssignment[] Slots, (int Chunk, string Split)[] Keys,
        Dictionary<(int, string), int> Counts)
    {
        public static ShardPlan Of(InputCatalog catalog, ConcurrentDictionary<int, string?> verdicts, IngestOptions options)
        {
            var accepted = catalog.Entries.Where(e => verdicts[e.Row] is null).ToArray();
            var slots = DatasetSplit.Assign(accepted.Length, options.Chunks, options.Seed);
            var counts = new Dictionary<(int, string), int>();
            foreach (var s in slots) counts[(s.Chunk, s.Split)] = counts.GetValueOrDefault((s.Chunk, s.Split)) + 1;
            var keys = Enumerable.Range(0, options.Chunks).SelectMany(c => Splits.All.Select(s => (c, s))).ToArray();
            return new ShardPlan(accepted, slots, keys, counts);
        }
    }

    /// <summary>
    /// Phase 2: the records not yet written (<c>written.log</c>) copied from the spool into their slots; a record the spool lost
    /// is built from its cutouts again.
    /// </summary>
    private static void WriteShards(ShardPlan plan, InputCatalog catalog, Func<CatalogEntry, CutoutSample> load, SafeFileHandle spool,
        string outDir, string work, ParallelOptions parallel, IProgressReporter progress)
    {
        string writtenPath = Path.Combine(work, "written.log");
        var written = new HashSet<int>(AppendLog.ReadLines(writtenPath).Select(l => int.TryParse(l, out int r) ? r : -1));
        var handles = new Dictionary<(int, string), SafeFileHandle>();
        try
        {
            foreach (var key in plan.Keys)
            {
                string path = Path.Combine(outDir, DatasetSplit.ShardFileName(key.Chunk, key.Split));
                int count = plan.Counts.GetValueOrDefault(key);
                DiskFull.Guard(path, () => handles[key] = OpenShard(path, count), ResumeAdvice);
            }
            var positions = new Dictionary<int, int>(catalog.Entries.Count);
            for (int i = 0; i < catalog.Entries.Count; i++) positions[catalog.Entries[i].Row] = i;
            var todo = plan.Accepted.Select((e, i) => (Entry: e, Slot: plan.Slots[i])).Where(t => !written.Contains(t.Entry.Row)).ToArray();
            using var log = new AppendLog(writtenPath);
            using var task = progress.Start("writing shards", todo.Length);
            using var stage = Diagnostics.StageTimings.Stage("write_shards", todo.Length); // copy spooled records into their slots
            Parallel.ForEach(todo, parallel,
                () => new byte[ShardLayout.RecordStride],
                (t, _, buffer) =>
                {
                    if (!ReadSpooled(spool, SpoolOffset(positions[t.Entry.Row]), t.Entry, buffer))
                    {
                        CutoutSample sample;
                        try
                        {
                            sample = load(t.Entry);
                        }
                        catch (SampleRejectedException e)
                        {
                            throw new InvalidOperationException(
                                $"{t.Entry.Id}: its cutouts changed during ingest (accepted earlier, now: {e.Message}). Restore them or " +
                                    $"ingest into a new --out.", e);
                        }
                        buffer.AsSpan().Clear(); // what a failed spool read left must not reach the record's padding
                        FillRecord(buffer, t.Entry, sample);
                    }
                    DiskFull.Guard(Path.Combine(outDir, DatasetSplit.ShardFileName(t.Slot.Chunk, t.Slot.Split)),
                        () => RandomAccess.Write(handles[(t.Slot.Chunk, t.Slot.Split)], buffer, ShardLayout.RecordOffset(t.Slot.Slot)),
                            ResumeAdvice);
                    log.Append(t.Entry.Row.ToString(CultureInfo.InvariantCulture));
                    task.Advance();
                    return buffer;
                },
                _ => { });
        }
        finally
        {
            foreach (var h in handles.Values) h.Dispose();
        }
    }

    /// <summary>Every shard's meta.csv (its rows in slot order), and each shard's entry for the manifest with both checksums.</summary>
    private static List<ShardInfo> WriteMetadata(ShardPlan plan, InputCatalog catalog, string outDir)
    {
        var shards = new List<ShardInfo>();
        var bySlot = plan.Accepted.Select((e, i) => (Entry: e, Slot: plan.Slots[i]))
            .ToLookup(t => (t.Slot.Chunk, t.Slot.Split));
        foreach (var (c, s) in plan.Keys)
        {
            var rows = bySlot[(c, s)].OrderBy(t => t.Slot.Slot).ToArray();
            string metaName = DatasetSplit.MetaFileName(c, s), shardName = DatasetSplit.ShardFileName(c, s);
            WriteMeta(Path.Combine(outDir, metaName), catalog.ExtraColumns, rows.Select(r => r.Entry));
            shards.Add(new ShardInfo(shardName, metaName, c, s, rows.Length,
                Sha256File(Path.Combine(outDir, shardName)), Sha256File(Path.Combine(outDir, metaName))));
        }
        return shards;
    }

    /// <summary><c>rejects.csv</c>: every rejected row (catalog problems and refused cutouts) with its reason, in row order.</summary>
    private static void WriteRejects(InputCatalog catalog, ConcurrentDictionary<int, string?> verdicts, string outDir)
    {
        var rejects = new StringBuilder("id,reason\n");
        var rowIds = new Dictionary<int, string>();
        foreach (var e in catalog.Entries) rowIds[e.Row] = e.Id;
        foreach (var p in catalog.Problems) rowIds[p.Row] = p.Id;
        foreach (var (row, reason) in verdicts.Where(v => v.Value is not null).OrderBy(v => v.Key))
            rejects.Append(Csv.Line([Printable.Escape(rowIds[row]), Printable.Escape(reason!)])).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, RejectsFile), rejects.ToString());
    }

    private static ShardManifest Manifest(IngestOptions options, InputCatalog catalog, string catalogSha, List<ShardInfo> shards,
        ConcurrentDictionary<int, string?> verdicts)
    {
        long Count(string split) => shards.Where(x => x.Split == split).Sum(x => x.Records);
        return new ShardManifest
        {
            Seed = options.Seed,
            Chunks = options.Chunks,
            SplitFractions = new SplitFractions(DatasetSplit.TrainFraction, DatasetSplit.ValFraction, DatasetSplit.TestFraction),
            Catalog = new CatalogInfo(Path.GetFileName(options.CatalogPath), catalog.RowCount, catalogSha),
            Counts = new SplitCounts(Count(Splits.Train), Count(Splits.Val), Count(Splits.Test),
                verdicts.Count(v => v.Value is not null), catalog.RowCount),
            RecordLayout = DescribeLayout(),
            ExtraColumns = catalog.ExtraColumns,
            Shards = shards.ToArray(),
        };
    }

    /// <summary>Accepted records of the verdict pass, at their catalog position (a sparse file: rejected rows leave holes).</summary>
    internal const string SpoolFile = "records.spool";

    private static long SpoolOffset(int catalogPosition) => (long)catalogPosition * ShardLayout.RecordStride;

    /// <summary>
    /// Reads the spooled record of <paramref name="entry"/>; false when it is not there (a hole, a short file, another row):
    /// a resumed ingest whose spool lost what an earlier run logged, which then reads the cutouts again.
    /// </summary>
    private static bool ReadSpooled(SafeFileHandle spool, long offset, CatalogEntry entry, byte[] buffer)
    {
        int got = 0, n;
        while (got < buffer.Length && (n = RandomAccess.Read(spool, buffer.AsSpan(got), offset + got)) > 0) got += n;
        if (got != buffer.Length) return false;
        ref readonly var h = ref MemoryMarshal.AsRef<ShardRecordHeader>(buffer.AsSpan(0, ShardLayout.RecordHeaderBytes));
        return h.IsWritten && h.CatalogRow == entry.Row;
    }

    /// <summary>Shards are written in place under the journal: what was written stays, and a rerun writes the rest.</summary>
    private const string ResumeAdvice = "free space and re-run the same command to resume";

    private static void Record(AppendLog log, ConcurrentDictionary<int, string?> verdicts, int row, string? reason)
    {
        string clean = reason?.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ') ?? "";
        log.Append(reason is null ? $"{row}\tok" : $"{row}\treject\t{clean}");
        verdicts[row] = reason is null ? null : clean;
    }

    private static ConcurrentDictionary<int, string?> ReadVerdicts(string path)
    {
        var result = new ConcurrentDictionary<int, string?>();
        foreach (var line in AppendLog.ReadLines(path))
        {
            var parts = line.Split('\t', 3);
            if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int row)) continue;
            result[row] = parts[1] == "ok" ? null : parts.Length > 2 ? parts[2] : "rejected";
        }
        return result;
    }

    private static SafeFileHandle OpenShard(string path, int records)
    {
        long length = ShardLayout.FileBytes(records);
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (RandomAccess.GetLength(handle) != length) RandomAccess.SetLength(handle, length);
        var page = new byte[ShardLayout.FileHeaderBytes];
        var header = new ShardFileHeader
        {
            Magic = ShardLayout.FileMagic,
            Version = ShardLayout.FormatVersion,
            RecordHeaderBytes = ShardLayout.RecordHeaderBytes,
            RecordStride = ShardLayout.RecordStride,
            RecordCount = records,
            PixelCount = ShardLayout.PixelCount,
            PixelType = -32,
        };
        MemoryMarshal.Write(page, in header);
        RandomAccess.Write(handle, page, 0);
        return handle;
    }

    private static unsafe void FillRecord(byte[] buffer, CatalogEntry entry, CutoutSample sample)
    {
        buffer.AsSpan(0, ShardLayout.RecordHeaderBytes).Clear();
        ref var h = ref MemoryMarshal.AsRef<ShardRecordHeader>(buffer.AsSpan(0, ShardLayout.RecordHeaderBytes));
        h.CatalogRow = entry.Row;
        h.Ra = entry.Ra;
        h.Dec = entry.Dec;
        h.Z = (float)entry.Z;
        h.EbvCsfd = (float)entry.EbvCsfd;
        h.EbvPlanck = (float)entry.EbvPlanck;
        h.Flags = sample.Flags;
        h.Marker = ShardLayout.RecordMarker;
        for (int b = 0; b < BandTable.BandCount; b++) h.ZeroPoints[b] = sample.ZeroPoints[b];
        MemoryMarshal.AsBytes(sample.Pixels.AsSpan()).CopyTo(buffer.AsSpan(ShardLayout.RecordHeaderBytes));
    }

    private static void WriteMeta(string path, string[] extraColumns, IEnumerable<CatalogEntry> rows)
    {
        var sb = new StringBuilder();
        sb.Append(Csv.Line(MetaColumns.Concat(extraColumns))).Append('\n');
        int slot = 0;
        foreach (var e in rows)
        {
            sb.Append(Csv.Line(new[]
            {
                (slot++).ToString(CultureInfo.InvariantCulture), e.Id, e.Row.ToString(CultureInfo.InvariantCulture),
                R(e.Ra), R(e.Dec), R(e.Z), R(e.EbvCsfd), R(e.EbvPlanck),
            }.Concat(e.Extra))).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
        static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }

    internal static RecordLayout DescribeLayout() => new(
        ByteOrder: "little",
        PixelType: "float32",
        FileHeaderBytes: ShardLayout.FileHeaderBytes,
        RecordHeaderBytes: ShardLayout.RecordHeaderBytes,
        RecordStrideBytes: ShardLayout.RecordStride,
        PixelOffsetBytes: ShardLayout.RecordHeaderBytes,
        PixelsPerRecord: ShardLayout.PixelCount,
        HeaderFields: ShardLayout.HeaderFields,
        Bands: BandTable.All.Select(b => new BandLayout(b.Name, b.SurveyInfo.Name, b.Channel,
            BandTable.NativePixelOffset(b.Band), b.NativeSize, b.NativeSize, b.SurveyInfo.PixelScaleArcsec,
                b.SurveyInfo.PixelUnit)).ToArray());

    internal static string Sha256File(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

}
