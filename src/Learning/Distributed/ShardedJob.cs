using System.Globalization;
using System.Text.RegularExpressions;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Inference;

namespace MantisShrimp.Engine.Distributed;

/// <summary>
/// A job over N items in input order (score, shapley, predict), run by one process or shared over MPI ranks. Rank r of
/// R takes the contiguous share <see cref="First"/>..<see cref="End"/> and writes it to <see cref="Target"/>: OUT
/// itself for one process, else its part <c>OUT.partR-of-R.parquet</c> (typed rows of the job's
/// <see cref="TableSchema"/>, atomically, when its share is done). <see cref="Merge"/> then waits for every rank and
/// rank 0 writes the parts, in rank (= input) order, into OUT. A part left by an earlier run with the same rank count
/// is kept and not recomputed (<see cref="PartDone"/>); jobs that finish item by item also keep a
/// <see cref="JobJournal"/> beside their target, so rerunning after a kill finishes only what is missing.
/// </summary>
public sealed class ShardedJob
{
    public ShardedJob(string output, int count, MpiSession? mpi = null)
    {
        TableFile.CheckExtension(output);
        Output = output;
        Mpi = mpi ?? MpiSession.Current;
        (First, End) = Mpi.Share(count);
        Target = Mpi.IsDistributed ? PartPath(output, Mpi.Rank, Mpi.Size) : output;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    }

    public MpiSession Mpi { get; }
    /// <summary>The requested output file (written by rank 0 under MPI).</summary>
    public string Output { get; }
    /// <summary>Where this rank writes its share: <see cref="Output"/>, or its part under MPI.</summary>
    public string Target { get; }
    public int First { get; }
    public int End { get; }
    public int Count => End - First;
    /// <summary>This rank's items in input order.</summary>
    public IEnumerable<int> Items => Enumerable.Range(First, Count);
    /// <summary>This rank's journal: beside its target.</summary>
    public string JournalPath => Target + ".journal";
    /// <summary>Under MPI: this rank's part was finished by an earlier run.</summary>
    public bool PartDone => Mpi.IsDistributed && File.Exists(Target);

    public static string PartPath(string output, int rank, int size) => $"{output}.part{rank}-of-{size}.parquet";

    /// <summary>Writes this rank's share (the rows of <see cref="Items"/>, in order) to <see cref="Target"/>; parts are typed
    /// Parquet.</summary>
    public int WriteShare(TableSchema schema, IEnumerable<TableRow> rows, TableMeta? meta) => TableWriter.Write(Target, schema, rows, meta);

    /// <summary>
    /// One process: nothing to merge, returns <paramref name="rows"/>. Under MPI: waits for every rank's part; rank 0
    /// writes them in rank order into <see cref="Output"/> and deletes them (after <paramref name="beforeDelete"/>, which
    /// merges a job's side files); returns the total on rank 0 and this rank's <paramref name="rows"/> elsewhere.
    /// </summary>
    public int Merge(TableSchema schema, TableMeta? meta, int rows, Action? beforeDelete = null)
    {
        if (!Mpi.IsDistributed) return rows;
        Mpi.Barrier();
        if (Mpi.IsRoot) rows = MergeParts(Output, Mpi.Size, schema, meta, beforeDelete);
        Mpi.Barrier();
        return rows;
    }

    /// <summary>Rank 0's half of <see cref="Merge"/>: parts 0..size−1 of <paramref name="output"/> into it; throws naming the first missing
    /// part.</summary>
    public static int MergeParts(string output, int size, TableSchema schema, TableMeta? meta, Action? beforeDelete = null)
    {
        for (int r = 0; r < size; r++)
            if (!File.Exists(PartPath(output, r, size)))
                throw new UserInputException($"{PartPath(output, r, size)} is missing: rank {r} did not finish; rerun the same command " +
                    $"to complete it");
        int rows = TableWriter.Write(output, schema,
            Enumerable.Range(0, size).SelectMany(r => TableWriter.ReadParquet(PartPath(output, r, size), schema)), meta);
        beforeDelete?.Invoke();
        for (int r = 0; r < size; r++) File.Delete(PartPath(output, r, size));
        return rows;
    }
}

/// <summary>
/// The settings a job's results depend on, as <c>#settings key=value …</c>, the first line of its journal: a journal
/// written with other settings is refused, naming the settings that differ, since resuming it would mix two runs.
/// </summary>
public sealed partial class JobFingerprint
{
    private readonly (string Key, string Value)[] _entries;

    public JobFingerprint(params (string Key, string Value)[] entries)
    {
        foreach (var (key, _) in entries)
            if (!KeyPattern().IsMatch(key)) throw new ArgumentException($"fingerprint key '{key}' must be lower-case letters, digits or _");
        _entries = entries;
    }

    public string Line => "#settings " + string.Join(" ", _entries.Select(e => $"{e.Key}={e.Value}"));

    public override string ToString() => Line;

    /// <summary>The entries of a fingerprint line (values may hold spaces: an entry ends where the next " key=" begins).</summary>
    public static List<(string Key, string Value)> Parse(string line)
    {
        var entries = new List<(string, string)>();
        string body = line.StartsWith("#settings ", StringComparison.Ordinal) ? line["#settings ".Length..] : line.TrimStart('#');
        var starts = EntryStart().Matches(" " + body);
        for (int i = 0; i < starts.Count; i++)
        {
            int valueStart = starts[i].Index + starts[i].Length - 1; // positions in body (the match ran on " " + body)
            int valueEnd = i + 1 < starts.Count ? starts[i + 1].Index - 1 : body.Length;
            entries.Add((starts[i].Groups[1].Value, body[valueStart..valueEnd]));
        }
        return entries;
    }

    /// <summary>What differs between a journal's fingerprint line and this one, e.g. <c>seed: 5 in the journal, 6 now</c>.</summary>
    public string Differences(string journalLine)
    {
        var old = Parse(journalLine);
        if (old.Count == 0) return $"not a settings line: '{journalLine}'";
        var diffs = new List<string>();
        foreach (var (key, value) in _entries)
        {
            int i = old.FindIndex(e => e.Key == key);
            if (i < 0) diffs.Add($"{key}: absent in the journal, {value} now");
            else if (old[i].Value != value) diffs.Add($"{key}: {old[i].Value} in the journal, {value} now");
        }
        foreach (var (key, value) in old)
            if (!_entries.Any(e => e.Key == key)) diffs.Add($"{key}: {value} in the journal, absent now");
        return diffs.Count == 0 ? $"'{journalLine}' vs '{Line}'" : string.Join("; ", diffs);
    }

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(" ([a-z0-9_]+)=")]
    private static partial Regex EntryStart();
}

/// <summary>
/// A job's resume journal: <see cref="JobFingerprint"/> line, then one <c>index,payload</c> line per finished item
/// (<see cref="Data.AppendLog"/>: flushed per line; a torn last line from a kill is dropped). Thread-safe.
/// </summary>
public sealed class JobJournal : IDisposable
{
    private readonly Dictionary<int, string> _done;
    private readonly Data.AppendLog _log;

    private JobJournal(string path, Dictionary<int, string> done, Data.AppendLog log)
    {
        Path = path;
        _done = done;
        _log = log;
    }

    public string Path { get; }

    /// <summary>Opens (or starts) the journal at <paramref name="path"/>; refuses one written with other settings.</summary>
    public static JobJournal Open(string path, JobFingerprint fingerprint)
    {
        string? first = Data.AppendLog.ReadLines(path).FirstOrDefault();
        if (first is not null && first != fingerprint.Line)
            throw new UserInputException($"{path} belongs to a run with other settings ({fingerprint.Differences(first)}); delete it or " +
                $"choose another --out");
        var done = new Dictionary<int, string>();
        foreach (var line in Data.AppendLog.ReadLines(path).Skip(1))
        {
            int comma = line.IndexOf(',');
            if (comma > 0 && int.TryParse(line.AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                done[index] = line[(comma + 1)..];
        }
        var log = new Data.AppendLog(path); // cuts a torn last line: with no complete first line the journal is empty
        if (first is null) log.Append(fingerprint.Line);
        return new JobJournal(path, done, log);
    }

    public bool IsDone(int index)
    {
        lock (_done) return _done.ContainsKey(index);
    }

    public bool TryGet(int index, out string payload)
    {
        lock (_done) return _done.TryGetValue(index, out payload!);
    }

    /// <summary>The payload of a finished item (throws when it is not finished).</summary>
    public string this[int index]
    {
        get { lock (_done) return _done[index]; }
    }

    /// <summary>Records a finished item: journalled (flushed) and held.</summary>
    public void Record(int index, string payload)
    {
        lock (_done) _done[index] = payload;
        _log.Append(index.ToString(CultureInfo.InvariantCulture) + "," + payload);
    }

    /// <summary>The finished items among <paramref name="items"/>, in their order.</summary>
    public IEnumerable<int> Finished(IEnumerable<int> items) => items.Where(IsDone);

    public void Dispose() => _log.Dispose();
}
