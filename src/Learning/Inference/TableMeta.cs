using System.Reflection;

namespace MantisShrimp.Engine.Inference;

/// <summary>
/// What a results table records about the run that wrote it: the model, the seed that mattered, the engine's commit
/// and the command line. FITS tables carry it as header keywords (MODEL, SEED, COMMIT, COMMAND), ECSV tables in their
/// <c>meta</c> block; CSV and Parquet tables carry none (their readers have no place for it).
/// </summary>
/// <param name="Model">The checkpoint (or estimator) the values came from; null when none applies.</param>
/// <param name="Seed">The seed of the run's random step (training seed of the model, mask noise, bootstrap).</param>
/// <param name="SeedMeaning">What <paramref name="Seed"/> seeded, for the header comment.</param>
public sealed record TableMeta(string? Model, ulong? Seed, string SeedMeaning = "seed")
{
    /// <summary>No model or seed: only the commit and the command.</summary>
    public static readonly TableMeta None = new(null, null);

    /// <summary>The engine build's commit (SDK source revision in the informational version, "1.0.0+COMMIT").</summary>
    public static string Commit { get; } =
        typeof(TableMeta).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } v
        && v.IndexOf('+') is var plus and >= 0 ? v[(plus + 1)..] : "unknown";

    /// <summary>The command line as typed (program name = mantis, then its arguments).</summary>
    public static string Command => string.Join(" ", Environment.GetCommandLineArgs().Skip(1).Prepend("mantis").Select(Quote));

    /// <summary>Keyword, value and comment, in header order.</summary>
    public IEnumerable<(string Key, string Value, string Comment)> Keywords()
    {
        if (Model is not null) yield return ("MODEL", Model, "model the values came from");
        if (Seed is { } s) yield return ("SEED", s.ToString(System.Globalization.CultureInfo.InvariantCulture), SeedMeaning);
        yield return ("COMMIT", Commit, "Mantis Shrimp .NET commit");
        yield return ("COMMAND", Command, "command that wrote the table");
    }

    private static string Quote(string a) => a.Length > 0
        && !a.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? a : "'" + a.Replace("'", "'\\''") + "'";
}

/// <summary>
/// Units of the table columns, by name, one rule for every table the engine writes: positions in degrees, magnitudes
/// and E(B−V) in magnitudes, outlier rates in percent; redshifts, probabilities, S/N and counts are dimensionless
/// (no unit, which astropy reads as a plain column).
/// </summary>
public static class ColumnUnits
{
    public const string Percent = "%";

    public static string? Of(string column)
    {
        string c = column.ToLowerInvariant();
        if (c is "ra" or "dec" or "ramean" or "decmean") return "deg";
        if (c.StartsWith("mag_", StringComparison.Ordinal) || c.StartsWith("abs_mag_", StringComparison.Ordinal)
            || c.EndsWith("_mag", StringComparison.Ordinal) || c.StartsWith("ebv", StringComparison.Ordinal)) return "mag";
        if (c.EndsWith("_deg", StringComparison.Ordinal)) return "deg";
        if (c.EndsWith("_arcsec", StringComparison.Ordinal)) return "arcsec";
        if (c.EndsWith("_pct", StringComparison.Ordinal)) return Percent;
        return null;
    }

    /// <summary>The unit as FITS can say it (FITS has no percent: those columns are named *_pct and say so in TCOMM).</summary>
    public static string? Fits(string? unit) => unit == Percent ? null : unit;
}
