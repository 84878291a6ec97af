using System.Text;

namespace MantisShrimp.Engine.Common;

/// <summary>Minimal RFC 4180 CSV: quoted fields with doubled quotes, embedded commas and newlines.</summary>
public static class Csv
{
    /// <summary>Reads records from <paramref name="reader"/>; yields (1-based line number where the record starts, fields).</summary>
    public static IEnumerable<(long Line, string[] Fields)> Read(TextReader reader, string file)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        long line = 1, recordLine = 1;
        bool inQuotes = false, any = false, wasQuoted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            char ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    inQuotes = true; wasQuoted = true; any = true; break;
                case ',':
                    fields.Add(field.ToString()); field.Clear(); wasQuoted = false; any = true; break;
                case '\r' when reader.Peek() != '\n': // a lone CR (classic Mac line ends) ends the line too
                case '\n':
                    if (any || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        yield return (recordLine, fields.ToArray());
                    }
                    fields.Clear(); field.Clear(); any = false; wasQuoted = false;
                    line++; recordLine = line;
                    break;
                case '\r': // of a CRLF
                    break;
                default:
                    field.Append(ch); any = true; break;
            }
        }
        if (inQuotes) throw new UserInputException($"{file}: line {recordLine}: unterminated quoted field");
        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields.ToArray());
        }
    }

    /// <summary>Quotes a field when it needs it.</summary>
    public static string Escape(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 || s.StartsWith(' ') || s.EndsWith(' ')
            ? "\"" + s.Replace("\"", "\"\"") + "\""
            : s;

    /// <summary>The fields of one CSV line (as <see cref="Line"/> writes it).</summary>
    public static string[] ParseLine(string line) => Read(new StringReader(line), "line").First().Fields;

    public static string Line(IEnumerable<string> fields) => string.Join(",", fields.Select(Escape));
}
