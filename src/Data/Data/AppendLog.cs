namespace MantisShrimp.Engine.Data;

/// <summary>
/// A line-per-entry journal for resumable jobs: each line is flushed as it is written, and on reading, a
/// torn last line (the process died mid-write) is ignored. Thread-safe appends.
/// </summary>
public sealed class AppendLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    public AppendLog(string path)
    {
        // A torn last line (no trailing newline) is cut off so new entries start on a fresh line.
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            int keep = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            if (keep != bytes.Length)
                using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write)) fs.SetLength(keep);
        }
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path)) yield break;
        string text = File.ReadAllText(path);
        int end = text.LastIndexOf('\n');
        if (end < 0) yield break;
        foreach (var line in text[..end].Split('\n'))
            if (line.Length > 0) yield return Decode(line);
    }

    /// <summary>
    /// Lines carry any text: backslash, CR and LF are escaped (\\, \r, \n), so a name with a newline is one entry.
    /// Other backslash pairs read as written (journals from before the escaping).
    /// </summary>
    internal static string Encode(string line) =>
        line.AsSpan().IndexOfAny('\\', '\n', '\r') < 0 ? line : line.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r");

    internal static string Decode(string line)
    {
        if (!line.Contains('\\')) return line;
        var sb = new System.Text.StringBuilder(line.Length);
        for (int i = 0; i < line.Length; i++)
        {
            char next = i + 1 < line.Length ? line[i + 1] : '\0';
            if (line[i] == '\\' && next is '\\' or 'n' or 'r')
            {
                sb.Append(next switch { 'n' => '\n', 'r' => '\r', _ => '\\' });
                i++;
            }
            else sb.Append(line[i]);
        }
        return sb.ToString();
    }

    /// <summary>
    /// A journal of "index,payload" lines under a first line of settings: the payload of each finished index. A journal
    /// written with other settings is refused (resuming it would mix two runs' results).
    /// </summary>
    public static Dictionary<int, string> ReadIndexed(string path, string settings)
    {
        var done = new Dictionary<int, string>();
        bool first = true;
        foreach (var line in ReadLines(path))
        {
            if (first)
            {
                first = false;
                if (line != settings)
                    throw new Common.UserInputException($"{path} belongs to a run with other settings ({line.TrimStart('#')}); delete " +
                        $"it or choose another --out");
                continue;
            }
            int comma = line.IndexOf(',');
            if (comma > 0 && int.TryParse(line.AsSpan(0, comma), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int index))
                done[index] = line[(comma + 1)..];
        }
        return done;
    }

    public void Append(string line)
    {
        lock (_lock) _writer.Write(Encode(line) + "\n");
    }

    public void Dispose() => _writer.Dispose();
}

