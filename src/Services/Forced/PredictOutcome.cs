using System.Text.RegularExpressions;

namespace MantisShrimp.Engine.Forced;

/// <summary>Why one position failed; <paramref name="Service"/> when a cutout service or the network failed, not the input.</summary>
public sealed record PredictFailure(string Name, string Reason, bool Service);

/// <summary>What <c>predict</c> did: positions done and failed, and the failures with their reasons (this rank's under MPI).</summary>
public sealed record PredictOutcome(int Done, int Failed, IReadOnlyList<PredictFailure> Failures)
{
    public void Deconstruct(out int done, out int failed) => (done, failed) = (Done, Failed);

    /// <summary>
    /// Failures grouped by reason, most frequent first: the position-specific parts of a message (its name prefix, the
    /// RA/Dec values, request URLs) are left out so that "Dec 95 …" and "Dec 97 …" count as one reason; each group
    /// keeps one full example.
    /// </summary>
    public IReadOnlyList<(string Reason, int Count, PredictFailure Example)> ByReason() =>
        Failures.GroupBy(Kind).Select(g => (g.Key, g.Count(), g.First())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key,
            StringComparer.Ordinal).ToList();

    private static readonly Regex Angles = new(@"\b(RA|Dec) [+\-−]?[\d.]+(?:[eE][+\-]?\d+)?", RegexOptions.CultureInvariant);
    private static readonly Regex Urls = new(@"\b(?:GET|POST) \S+|https?://\S+", RegexOptions.CultureInvariant);

    private static string Kind(PredictFailure f)
    {
        string r = f.Reason;
        if (f.Name.Length > 0 && r.StartsWith(f.Name + ": ", StringComparison.Ordinal)) r = r[(f.Name.Length + 2)..];
        r = Urls.Replace(r, "<request>");
        return Angles.Replace(r, m => m.Groups[1].Value + " …");
    }
}
