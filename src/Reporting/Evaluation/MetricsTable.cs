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
    public static readonly IReadOnlyDictionary<string, string> JsonUnits = Units();

    private static Dictionary<string, string> Units()
    {
        var percent = MetricValues.Names.Where((_, i) => MetricValues.InPercent[i]).ToList();
        var units = new Dictionary<string, string>();
        foreach (var name in percent) units[name] = ColumnUnits.Percent;
        foreach (var name in percent) units[name + MetricValues.StandardErrorSuffix] = ColumnUnits.Percent;
        units[EvaluationReport.SecondsKey] = "s";
        return units;
    }

    /// <summary>The table's name for a metric: percentages say so.</summary>
    public static string Column(string metric) => JsonUnits.GetValueOrDefault(metric) == ColumnUnits.Percent ? metric + "_pct" : metric;

    /// <summary>The table of <paramref name="report"/>: a column pair (lo, hi) per binned column that has bins.</summary>
    public static void Write(string path, EvaluationReport report, EvaluateOptions o)
    {
        var binned = report.Binned.Where(b => b.Bins.Count > 0).ToList();
        var header = new List<string> { "group", "value" };
        foreach (var b in binned) header.AddRange([b.Column + "_lo", b.Column + "_hi"]);
        header.Add("n");
        header.AddRange(MetricValues.Names.Select(Column));
        var lines = new List<string> { Row("all", "", null, report.All) };
        if (report.Groups is { } groups) lines.AddRange(groups.Select(g => Row(report.GroupColumn, g.Key, null, g.Value)));
        foreach (var b in binned) lines.AddRange(b.Bins.Select(bin => Row(b.Column, bin.Key, b.Column, bin.Metrics)));
        var meta = new TableMeta(Path.GetFullPath(o.Scores), o.Bootstrap > 0 ? o.Seed : null, "bootstrap seed");
        TableFile.Write(path, header, lines, ["group", "value"], meta, "METRICS");

        string Row(string group, string value, string? binnedColumn, GroupMetrics m)
        {
            var f = new List<string> { group, value };
            // A bin's edges as its key spells them ("lo..hi", ±Infinity at open ends), in its own column's pair only.
            foreach (var b in binned) f.AddRange(b.Column == binnedColumn ? value.Split("..") : ["", ""]);
            f.Add(m.N.ToString(CultureInfo.InvariantCulture));
            f.AddRange(m.Values.ToArray().Select(d => double.IsNaN(d) ? "" : d.ToString("R", CultureInfo.InvariantCulture)));
            return Common.Csv.Line(f);
        }
    }
}
