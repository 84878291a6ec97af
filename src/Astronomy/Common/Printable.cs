using System.Globalization;
using System.Text;

namespace MantisShrimp.Engine.Common;

/// <summary>
/// Text from users' files made safe to show: control characters (C0, DEL, C1: NUL, ESC sequences that drive a
/// terminal) and lone surrogates become \xNN / \uNNNN escapes, so a hostile id cannot rewrite a terminal or a log.
/// </summary>
public static class Printable
{
    public static string Escape(string text, bool keepNewlines = false)
    {
        int first = 0;
        while (first < text.Length && !NeedsEscape(text, first, keepNewlines)) first++;
        if (first == text.Length) return text;
        var sb = new StringBuilder(text, 0, first, text.Length + 16);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            if (!NeedsEscape(text, i, keepNewlines)) sb.Append(c);
            else if (c < 0x100) sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(string s, int i, bool keepNewlines)
    {
        char c = s[i];
        if (c is '\n' or '\t' && keepNewlines) return false;
        if (char.IsControl(c)) return true;
        if (char.IsHighSurrogate(c)) return i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]);
        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(s[i - 1]));
    }
}
