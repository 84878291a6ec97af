using System.Globalization;

namespace MantisShrimp.Engine.Evaluation;

/// <summary>The metrics of the galaxies whose column value lies in [<see cref="Lo"/>, <see cref="Hi"/>).</summary>
public sealed record MetricBin(double Lo, double Hi, GroupMetrics Metrics)
{
    /// <summary>The bin's key in metrics.json and its table rows: "lo..hi", open ends as ±Infinity (which every reader parses).</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Lo}..{Hi}");
}
