using System.Globalization;
using System.Text;

namespace MantisShrimp.Engine.Fits;

/// <summary>
/// One header keyword record. <see cref="Value"/> is the value text as written (strings unquoted and
/// with CONTINUE parts joined); null for commentary cards (COMMENT, HISTORY, blank) and keywords without a value.
/// </summary>
public sealed record FitsCard(string Keyword, string? Value, bool IsString, string? Comment)
{
    public const int CardLength = 80;

    public static FitsCard Commentary(string keyword, string text) => new(keyword, null, false, text);

    public static FitsCard Of(string keyword, string value, string? comment = null) => new(keyword, value, true, comment);

    public static FitsCard Of(string keyword, bool value, string? comment = null) => new(keyword, value ? "T" : "F", false, comment);

    public static FitsCard Of(string keyword, long value, string? comment = null) =>
        new(keyword, value.ToString(CultureInfo.InvariantCulture), false, comment);

    public static FitsCard Of(string keyword, double value, string? comment = null)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"FITS header value {keyword} must be finite (got {value}).");
        string text = value.ToString("G17", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E')) text += ".0";
        return new(keyword, text, false, comment);
    }

    public bool IsCommentary => Value is null;

    /// <summary>Formats this card as one or more 80-character records (long strings use the CONTINUE convention).</summary>
    public IEnumerable<string> Format()
    {
        string key = Keyword.ToUpperInvariant();
        bool hierarch = key.Length > 8 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'));
        if (Value is null)
        {
            string text = Comment ?? "";
            int start = 0;
            do
            {
                yield return Pad(string.Concat(key.PadRight(8), text.AsSpan(start, Math.Min(72, text.Length - start))));
                start += 72;
            } while (start < text.Length);
            yield break;
        }
        string prefix = hierarch ? $"HIERARCH {key} = " : key.PadRight(8) + "= ";
        if (!IsString)
        {
            string body = hierarch ? prefix + Value : prefix + Value.PadLeft(20);
            yield return Pad(Comment is null ? body : body + " / " + Comment);
            yield break;
        }
        string escaped = Value.Replace("'", "''");
        int room = CardLength - prefix.Length - 2;
        if (escaped.Length <= room)
        {
            string body = prefix + "'" + escaped.PadRight(8) + "'";
            yield return Pad(Comment is null || body.Length + 3 + Comment.Length > CardLength ? body : body + " / " + Comment);
            yield break;
        }
        // Long string: split into pieces ending in '&', continued on CONTINUE cards. Never split an escaped quote.
        int pos = 0;
        bool first = true;
        while (pos < escaped.Length)
        {
            string head = first ? prefix : "CONTINUE  ";
            int max = CardLength - head.Length - 3; // quotes + '&'
            int take = Math.Min(max, escaped.Length - pos);
            if (pos + take < escaped.Length && escaped[pos + take - 1] == '\'' ) take--;
            bool last = pos + take >= escaped.Length;
            string piece = escaped.Substring(pos, take);
            yield return Pad(head + "'" + piece + (last ? "" : "&") + "'");
            pos += take;
            first = false;
        }
    }

    private static string Pad(string s)
    {
        if (s.Length > CardLength) throw new ArgumentException($"FITS card longer than 80 characters: {s}");
        foreach (char c in s)
            if (c < 32 || c > 126) throw new ArgumentException($"FITS header text must be printable ASCII: {s}");
        return s.PadRight(CardLength);
    }

    /// <summary>Appends this card's records to <paramref name="sb"/>.</summary>
    internal void AppendTo(StringBuilder sb)
    {
        foreach (var line in Format()) sb.Append(line);
    }
}
