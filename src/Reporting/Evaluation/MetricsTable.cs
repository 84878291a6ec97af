using System.Globalization;
using MantisShrimp.Engine.Inference;

namespace MantisShrimp.Engine.Evaluation;

/// <summary>
/// <c>evaluate --table FILE</c>: metrics.json's groups as rows — the whole set, each population, each magnitude and S/N
/// bin — so they open in TOPCAT or astropy. Outlier rates are percentages, named <c>eta_0p05_pct</c> and
/// <c>eta_0p15_pct</c> here (unit %); metrics.json keeps its keys <c>eta_0p05</c>/<c>eta_0p15</c> and says "%" in
/// its <c>units</c> object instead, so existing readers keep working.
/// </summary>
public static class MetricsTable
{
    /// <summary>metrics.json's <c>units</c>: the unit of every key that has one (also inside the by_* groups); the rest are
    /// dimensionless.</summary>
    public static readonly Dictionary<string, string> JsonUnits = new()
    {
        ["eta_0p05"] = ColumnUnits.Percent, ["eta_0p15"] = ColumnUnits.Percent,
        ["eta_0p05_se"] = ColumnUnits.Percent, ["eta_0p15_se"] = ColumnUnits.Percent,
        ["bootstrap_seconds"] = "s",
    };

    /// <summary>The table's name for a metric: percentages say so.</summary>
    public static string Column(string metric) => JsonUnits.GetValueOrDefault(metric) == ColumnUnits.Percent ? metric + "_pct" : metric;

    public static void Write(string path, Dictionary<string, object?> result, EvaluateOptions o, IReadOnlyList<string> binnedColumns)
    {
        var header = new List<string> { "group", "value" };
        foreach (var c in binnedColumns) header.AddRange([c + "_lo", c + "_hi"]);
        header.Add("n");
        header.AddRange(MetricSet.Names.Select(Column));
        var lines = new List<string> { Row("all", "", null, result) };
        if (result.GetValueOrDefault("by_" + o.GroupBy) is Dictionary<string, Dictionary<string, object?>> groups)
            lines.AddRange(groups.Select(g => Row(o.GroupBy, g.Key, null, g.Value)));
        foreach (var c in binnedColumns)
            if (result.GetValueOrDefault("by_" + c) is Dictionary<string, object> bins)
                lines.AddRange(bins.Select(b => Row(c, b.Key, c, (Dictionary<string, object?>)b.Value)));
        var meta = new TableMeta(Path.GetFullPath(o.Scores), o.Bootstrap > 0 ? o.Seed : null, "bootstrap seed");
        TableFile.Write(path, header, lines, ["group", "value"], meta, "METRICS");

        string Row(string group, string value, string? binned, Dictionary<string, object?> m)
        {
            var f = new List<string> { group, value };
            foreach (var c in binnedColumns)
            {
                // Bin keys are "lo..hi" (metrics.json); open ends are ±Infinity, which every reader parses.
                var edges = c == binned ? value.Split("..") : ["", ""];
                f.AddRange(edges);
            }
            f.Add(Convert.ToString(m["n"], CultureInfo.InvariantCulture)!);
            f.AddRange(MetricSet.Names.Select(k =>
                m.GetValueOrDefault(k) is double d ? d.ToString("R", CultureInfo.InvariantCulture) : ""));
            return Common.Csv.Line(f);
        }
    }
}
