using System.Globalization;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Distributed;

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
