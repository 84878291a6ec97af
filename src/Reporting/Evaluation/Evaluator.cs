using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Inference;

namespace MantisShrimp.Engine.Evaluation;

public sealed record EvaluateOptions(string Scores, string Out)
{
    public int Bootstrap { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>Catalog column that defines sub-populations (used when present in the scores file).</summary>
    public string GroupBy { get; init; } = "population";
    /// <summary>Catalog magnitude column for binned metrics (when present).</summary>
    public string MagnitudeColumn { get; init; } = "mag_r";
    /// <summary>Measured signal-to-noise column (<c>mantis score --snr r</c> writes snr_r) for binned metrics, the analogue of the paper's
    /// Fig. 10 (when present).</summary>
    public string SnrColumn { get; init; } = "snr_r";
    /// <summary>Also the metrics as a table, one row per group (all, each population, each bin), in the format its extension
    /// names.</summary>
    public string? Table { get; init; }
}

/// <summary>
/// <c>mantis evaluate</c>: DIR/metrics.json (n, nmad, bias, eta_0p05, eta_0p15, cde_loss, pit_ks, pit_cvm, pit_ad
/// and, with --bootstrap N, their standard errors *_se), metrics by sub-population, by magnitude bin and by measured
/// S/N bin, and the PNG plots (z_mean vs z_spec with 90% intervals, PIT histogram, example PDFs, metrics vs magnitude,
/// metrics vs S/N).
/// </summary>
public static class Evaluator
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static EvaluationReport Run(EvaluateOptions o, IProgressReporter? progress = null)
    {
        progress ??= NullProgress.Instance;
        if (o.Table is not null) TableFile.CheckExtension(o.Table, "--table");
        var (galaxies, intervals) = Read(o.Scores);
        if (galaxies.Count == 0) throw new UserInputException($"{o.Scores}: no galaxies");
        Directory.CreateDirectory(o.Out);
        MetricValues? standardErrors = null;
        (int, double)? bootstrap = null;
        if (o.Bootstrap > 0)
        {
            var clock = Stopwatch.StartNew();
            standardErrors = MetricSet.BootstrapStandardErrors(galaxies, o.Bootstrap, o.Seed);
            bootstrap = (o.Bootstrap, Math.Round(clock.Elapsed.TotalSeconds, 3));
        }
        var groups = galaxies[0].Extra.ContainsKey(o.GroupBy)
            ? galaxies.GroupBy(g => g.Extra[o.GroupBy]).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => GroupMetrics.Of(g.ToList()))
            : null;
        var binned = new List<(BinnedMetrics Metrics, string Figure)>();
        foreach (var (column, edges, figure) in new[] { (o.MagnitudeColumn, MagnitudeEdges, "metrics_vs_magnitude.png"),
            (o.SnrColumn, SnrEdges, "metrics_vs_snr.png") })
            if (galaxies[0].Extra.ContainsKey(column)) binned.Add((Bin(galaxies, column, edges, BinResamples(o), o.Seed), figure));
        var report = new EvaluationReport(GroupMetrics.Of(galaxies, standardErrors), bootstrap, o.GroupBy, groups,
            binned.Select(b => b.Metrics).ToList());
        Plot(o, galaxies, intervals, report, binned);
        if (o.Table is not null) MetricsTable.Write(o.Table, report, o);
        AtomicFile.WriteAllText(Path.Combine(o.Out, "metrics.json"), JsonSerializer.Serialize(report, Indented) + "\n");
        return report;
    }

    /// <summary>Bin edges of the magnitude column (AB).</summary>
    public static readonly double[] MagnitudeEdges = [double.NegativeInfinity, 18, 20, 21, 22, 23, double.PositiveInfinity];

    /// <summary>Bin edges of the S/N column: below detection, marginal, then roughly doubling.</summary>
    public static readonly double[] SnrEdges = [double.NegativeInfinity, 3, 5, 10, 20, 50, 100, double.PositiveInfinity];

    /// <summary>
    /// Bootstrap resamples per bin for the bins' *_se (the error bars of the binned figures): --bootstrap up to 2000
    /// (enough for an error bar: its own relative error is 1.6%), 200 without --bootstrap.
    /// </summary>
    private static int BinResamples(EvaluateOptions o) => o.Bootstrap > 0 ? Math.Min(o.Bootstrap, 2000) : 200;

    /// <summary>Metrics (and their bootstrap *_se) per [lo, hi) bin of a numeric column; rows whose value is missing or not finite are left
    /// out.</summary>
    private static BinnedMetrics Bin(List<ScoredGalaxy> galaxies, string column, double[] edges, int resamples, ulong seed)
    {
        var valued = galaxies.Select(g => (Galaxy: g,
            Ok: double.TryParse(g.Extra[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var v), Value: v))
            .Where(t => t.Ok && double.IsFinite(t.Value)).ToList();
        var bins = new List<MetricBin>();
        for (int b = 0; b + 1 < edges.Length; b++)
        {
            var members = valued.Where(t => t.Value >= edges[b] && t.Value < edges[b + 1]).Select(t => t.Galaxy).ToList();
            if (members.Count == 0) continue;
            var se = members.Count > 1 ? MetricSet.BootstrapStandardErrors(members, resamples, seed) : (MetricValues?)null;
            bins.Add(new MetricBin(edges[b], edges[b + 1], GroupMetrics.Of(members, se)));
        }
        return new BinnedMetrics(column, bins);
    }

    /// <summary>Reads a scores file, CSV or Parquet (as written by <c>mantis score</c>).</summary>
    public static (List<ScoredGalaxy> Galaxies, List<(double Lo90, double Hi90)> Intervals) Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"Scores file not found: {path}");
        using var e = TableFile.Read(path).GetEnumerator(); // CSV or Parquet
        if (!e.MoveNext()) throw new UserInputException($"{path}: empty file");
        var header = e.Current.Fields;
        int Col(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i
            : throw new UserInputException($"{path}: missing column {name}");
        int id = Col(PdfColumns.Id), zs = Col(PdfColumns.ZSpec), zm = Col("z_mean"), lo = Col("z_lo90"), hi = Col("z_hi90");
        int p0 = Array.IndexOf(header, "p_000");
        var extraCols = Enumerable.Range(0, header.Length).Where(i => !PdfColumns.Leading.Contains(header[i])
            && !header[i].StartsWith("p_", StringComparison.Ordinal)).ToArray();
        var list = new List<ScoredGalaxy>();
        var intervals = new List<(double, double)>();
        while (e.MoveNext())
        {
            var (line, f) = e.Current;
            double Num(int c) => double.TryParse(f[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new UserInputException($"{path}: line {line}: field {header[c]} = '{f[c]}' is not a number");
            float[]? pdf = null;
            if (p0 >= 0)
            {
                pdf = new float[RedshiftGrid.Classes];
                for (int k = 0; k < pdf.Length; k++) pdf[k] = (float)Num(p0 + k);
            }
            list.Add(new ScoredGalaxy(f[id], Num(zs), Num(zm), pdf, extraCols.ToDictionary(c => header[c], c => f[c])));
            intervals.Add((Num(lo), Num(hi)));
        }
        return (list, intervals);
    }

    private static void Plot(EvaluateOptions o, List<ScoredGalaxy> g, List<(double Lo90, double Hi90)> intervals, EvaluationReport report,
        List<(BinnedMetrics Metrics, string Figure)> binned)
    {
        var rng = new SplitMix64(7);
        var subset = Enumerable.Range(0, g.Count).OrderBy(_ => rng.NextUInt64()).Take(150).ToArray();
        EvaluationFigures.ZphotVsZspec(Path.Combine(o.Out, "zphot_vs_zspec.png"), g, intervals, subset, report.All.Values);
        if (g[0].Pdf is not null)
        {
            var pit = g.Select(s => Metrics.Pit(s.Pdf, s.ZSpec)).ToArray();
            bool calibrated = g.All(x => x.Extra.GetValueOrDefault("calibrated") == "1");
            EvaluationFigures.Pit(Path.Combine(o.Out, "pit_histogram.png"), pit, Path.GetFileName(o.Scores), calibrated,
                report.All.Values.PitKs);
            EvaluationFigures.ExamplePdfs(Path.Combine(o.Out, "example_pdfs.png"), g, subset.Take(5));
        }
        foreach (var (bins, figure) in binned)
            if (bins.Bins.Count > 0) EvaluationFigures.MetricsByBin(Path.Combine(o.Out, figure), bins, BinResamples(o));
    }
}
