namespace MantisShrimp.Engine.Evaluation;

/// <summary>
/// The eight metrics of a set of galaxies (<see cref="Metrics"/> defines them), or their bootstrap standard errors. NaN
/// where a metric has no value (the PDF metrics without PDFs). <see cref="Names"/> is the one spelling of each metric's
/// name: the keys of metrics.json (standard errors with <see cref="StandardErrorSuffix"/>), the table columns, the CLI's
/// metrics table.
/// </summary>
public readonly record struct MetricValues(double Nmad, double Bias, double Eta0p05, double Eta0p15, double CdeLoss, double PitKs,
    double PitCvm, double PitAd)
{
    /// <summary>The published names, in the order of the record's parameters (and of <see cref="ToArray"/>).</summary>
    public static readonly IReadOnlyList<string> Names =
        ["nmad", "bias", "eta_0p05", "eta_0p15", "cde_loss", "pit_ks", "pit_cvm", "pit_ad"];

    /// <summary>Whether a metric is a percentage, in the order of <see cref="Names"/>: the outlier rates are
    /// (<see cref="Metrics.Eta"/>); the rest are dimensionless.</summary>
    public static readonly IReadOnlyList<bool> InPercent = [false, false, true, true, false, false, false, false];

    /// <summary>The name of a metric's bootstrap standard error: the metric's name and this.</summary>
    public const string StandardErrorSuffix = "_se";

    public static readonly MetricValues Missing = FromSpan(Enumerable.Repeat(double.NaN, 8).ToArray());

    public double[] ToArray() => [Nmad, Bias, Eta0p05, Eta0p15, CdeLoss, PitKs, PitCvm, PitAd];

    /// <summary>The metrics from values in the order of <see cref="Names"/>.</summary>
    public static MetricValues FromSpan(ReadOnlySpan<double> v) => v.Length == Names.Count
        ? new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
        : throw new ArgumentException($"{v.Length} values for {Names.Count} metrics", nameof(v));

    /// <summary>Every metric through <paramref name="f"/>.</summary>
    public MetricValues Map(Func<double, double> f) => FromSpan(ToArray().Select(f).ToArray());

    /// <summary>(name, value) in the order of <see cref="Names"/>.</summary>
    public IEnumerable<(string Name, double Value)> Named() => Names.Zip(ToArray());
}
