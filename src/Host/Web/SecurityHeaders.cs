using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace MantisShrimp.Host.Web;

/// <summary>
/// Headers on every response: no MIME sniffing, no framing (clickjacking), no referrer, and a Content-Security-Policy
/// that lets the page run only its own inline script and style (by hash) and talk only to this origin.
/// </summary>
internal static partial class SecurityHeaders
{
    /// <summary>For JSON, PNG and errors: nothing may load, nothing may frame.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>The page's policy: its inline &lt;script&gt; and &lt;style&gt; by SHA-256, images and fetches from this origin.</summary>
    public static string PagePolicy(string html)
    {
        static string Hashes(Regex element, string html) => string.Join(" ", element.Matches(html)
            .Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'"));
        return $"default-src 'none'; script-src {Hashes(ScriptElement(), html)}; style-src {Hashes(StyleElement(), html)}; " +
            "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }

    public static void Apply(HttpResponse response, string policy)
    {
        var h = response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h.ContentSecurityPolicy = policy;
    }

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptElement();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();
}
