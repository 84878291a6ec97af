using System.Text.RegularExpressions;

namespace MantisShrimp.Engine.Distributed;

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
