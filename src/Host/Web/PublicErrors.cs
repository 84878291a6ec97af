using System.Text.RegularExpressions;

namespace MantisShrimp.Host.Web;

/// <summary>
/// Error text as a client may see it: absolute server paths become their last component (a client learns which file
/// is missing, never where the server keeps it), and control characters are escaped.
/// </summary>
internal static partial class PublicErrors
{
    public static string Scrub(string message) =>
        Engine.Common.Printable.Escape(AbsolutePath().Replace(message, m => Path.GetFileName(m.Value.TrimEnd('/'))));

    // A '/' starting a token (after start, space, quote, '(' or '='), then anything up to a space, quote or ':'.
    [GeneratedRegex("""(?<=^|[\s'"(=])/[^\s'":]+""")]
    private static partial Regex AbsolutePath();
}
