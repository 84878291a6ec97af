namespace MantisShrimp.Engine.Evaluation;

/// <summary>
/// One group's metrics as <c>mantis evaluate</c> reports them (the whole set, a population, a bin): the galaxy count, the
/// metrics and, with a bootstrap, their standard errors; finite values rounded to 6 decimals, NaN where there is none
/// (null in metrics.json, empty in the table).
/// </summary>
public sealed record GroupMetrics(int N, MetricValues Values, MetricValues? StandardErrors)
{
    public static GroupMetrics Of(IReadOnlyList<ScoredGalaxy> galaxies, MetricValues? standardErrors = null) =>
        new(galaxies.Count, Reported(MetricSet.Compute(galaxies)), standardErrors is { } se ? Reported(se) : null);

    /// <summary>A computed metric as reported: 6 decimals, as metrics.json has always held them; NaN when not finite.</summary>
    public static MetricValues Reported(MetricValues v) => v.Map(x => double.IsFinite(x) ? Math.Round(x, 6) : double.NaN);
}
