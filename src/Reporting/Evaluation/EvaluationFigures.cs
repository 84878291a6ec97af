using System.Globalization;
using MantisShrimp.Engine.Plots;
using ScottPlot;

namespace MantisShrimp.Engine.Evaluation;

/// <summary>
/// The evaluation figures, drawn as the paper draws them: z_phot vs z_spec with the ±0.15(1+z) outlier lines and
/// NMAD/η in the panel (Fig. 8), the PIT histogram as bars from 0 with the uniform expectation and its ±√N band
/// (Fig. 7), example PDFs with z_spec dashed in each PDF's colour, and metrics per magnitude or S/N bin with bootstrap
/// error bars and counts (Fig. 10).
/// </summary>
public static class EvaluationFigures
{
    private const int PitBins = 20;

    public static void ZphotVsZspec(string path, List<ScoredGalaxy> g, List<(double Lo90, double Hi90)> intervals, int[] subset,
        MetricValues metrics)
    {
        var plot = Figures.New($"Photometric vs spectroscopic redshift: density of all {g.Count}, 90% intervals of {subset.Length} at " +
            $"random", "z_spec", "z_mean");
        Figures.Density(plot, g.Select(x => x.ZSpec).ToArray(), g.Select(x => x.ZMean).ToArray(), 0, RedshiftGrid.ZMax, 48);
        foreach (int i in subset)
        {
            var line = plot.Add.Line(g[i].ZSpec, intervals[i].Lo90, g[i].ZSpec, intervals[i].Hi90);
            line.LineWidth = 1;
            line.LineColor = Colors.Black.WithAlpha(0.35);
        }
        Figures.Points(plot, subset.Select(i => g[i].ZSpec).ToArray(), subset.Select(i => g[i].ZMean).ToArray(), "z_mean (subset)", 5,
            Colors.OrangeRed);
        Figures.Line(plot, [0, RedshiftGrid.ZMax], [0, RedshiftGrid.ZMax], "1:1", 1);
        // An outlier is |Δz| / (1 + z_spec) > 0.15: the lines z_mean = z_spec ± 0.15 (1 + z_spec).
        foreach (double sign in new[] { 1.0, -1.0 })
        {
            var edge = plot.Add.Scatter(new[] { 0.0, RedshiftGrid.ZMax },
                new[] { sign * 0.15, RedshiftGrid.ZMax + sign * 0.15 * (1 + RedshiftGrid.ZMax) });
            edge.MarkerSize = 0;
            edge.LineWidth = 1.5f;
            edge.LinePattern = LinePattern.Dashed;
            edge.Color = Colors.DimGray;
            edge.LegendText = sign > 0 ? "±0.15 (1 + z_spec)" : "";
        }
        plot.Axes.SetLimits(0, RedshiftGrid.ZMax, 0, RedshiftGrid.ZMax);
        var text = plot.Add.Annotation(string.Create(CultureInfo.InvariantCulture,
            $"n = {g.Count}\nNMAD = {metrics.Nmad:0.0000}\nη(0.15) = {metrics.Eta0p15:0.00} %\nbias = " +
                $"{metrics.Bias:+0.0000;-0.0000}"), Alignment.UpperLeft);
        text.LabelFontSize = 15;
        text.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
        Figures.Save(plot, path);
    }

    /// <summary>
    /// Bars from 0 (the full count axis, so the shape is not exaggerated), the uniform expectation N/bins and its
    /// ±√(N/bins) Poisson band; the title names the scores file and whether its PDFs were recalibrated.
    /// </summary>
    public static void Pit(string path, double[] pit, string scoresName, bool calibrated, double ks)
    {
        var (x, y) = Figures.Histogram(pit, 0, 1, PitBins);
        double expected = pit.Length / (double)PitBins, sigma = Math.Sqrt(expected);
        string which = calibrated ? "after CalPIT recalibration" : "network PDFs";
        var plot = Figures.New(string.Create(CultureInfo.InvariantCulture, $"PIT histogram, {which} ({scoresName}): KS = {ks:0.000}"),
            "PIT", "galaxies per bin");
        var bars = plot.Add.Bars(x, y);
        foreach (var b in bars.Bars)
        {
            b.Size = 1.0 / PitBins * 0.9;
            b.FillColor = Colors.SteelBlue;
            b.LineWidth = 0;
        }
        bars.LegendText = $"PIT of {pit.Length} galaxies";
        // Over the bars, translucent: the bars that stick out of the band are the calibration's signal.
        var band = plot.Add.VerticalSpan(Math.Max(0, expected - sigma), expected + sigma);
        band.FillStyle.Color = Colors.Orange.WithAlpha(0.35);
        band.LineStyle.Width = 0;
        band.LegendText = "uniform ± √N";
        var flat = plot.Add.HorizontalLine(expected);
        flat.Color = Colors.Black;
        flat.LinePattern = LinePattern.Dashed;
        flat.LegendText = "uniform (calibrated)";
        plot.Axes.SetLimits(0, 1, 0, Math.Max(y.DefaultIfEmpty(0).Max(), expected + sigma) * 1.35); // room for the legend above the bars
        plot.Legend.Alignment = Alignment.UpperRight;
        Figures.Save(plot, path);
    }

    /// <summary>Example PDFs, each with its z_spec as a dashed line in the PDF's colour; the legend beside the axes, covering
    /// nothing.</summary>
    public static void ExamplePdfs(string path, List<ScoredGalaxy> g, IEnumerable<int> examples)
    {
        var plot = Figures.New("Example PDFs (dashed: z_spec, in the PDF's colour)", "z", "probability density p(z)");
        var centres = RedshiftGrid.Centres();
        var palette = new ScottPlot.Palettes.Category10();
        int n = 0;
        foreach (int i in examples)
        {
            var color = palette.GetColor(n++);
            var line = plot.Add.Scatter(centres, g[i].Pdf!.Select(v => v / RedshiftGrid.BinWidth).ToArray());
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
            line.Color = color;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{g[i].Id} (z_spec {g[i].ZSpec:F3})");
            var v = plot.Add.VerticalLine(g[i].ZSpec);
            v.LinePattern = LinePattern.Dashed;
            v.Color = color;
            v.LineWidth = 1.5f;
        }
        double peak = g.Count == 0 ? 1 : examples.Select(i => g[i].Pdf!.Max() / RedshiftGrid.BinWidth).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimits(0, RedshiftGrid.ZMax, 0, peak * 1.08);
        Figures.SaveLegendRight(plot, path, Figures.Width + 260);
    }

    /// <summary>
    /// Fig. 10's layout: NMAD, η(0.15) in % and the bias per bin of a magnitude or S/N column, stacked, with bootstrap
    /// standard errors as error bars and each bin's galaxy count in its tick label.
    /// </summary>
    public static void MetricsByBin(string path, BinnedMetrics binned, int resamples)
    {
        string column = binned.Column;
        var bins = binned.Bins;
        var xs = Enumerable.Range(0, bins.Count).Select(i => (double)i).ToArray();
        var ticks = bins.Select(b => $"{BinLabel(b.Key)}\nn = {b.Metrics.N}").ToArray();
        bool magnitude = !column.StartsWith("snr", StringComparison.OrdinalIgnoreCase);
        string axis = magnitude ? $"{column} (AB mag)" : $"{column} (measured S/N)";
        var panels = new List<Plot>();
        foreach (var (metric, label, fromZero) in new (Func<MetricValues, double>, string, bool)[] { (m => m.Nmad, "NMAD", true),
            (m => m.Eta0p15, "outlier rate η(0.15) (%)", true), (m => m.Bias, "bias ⟨Δz / (1 + z)⟩", false) })
        {
            var plot = Figures.New(panels.Count == 0 ? $"Metrics vs {column} (error bars: bootstrap, {resamples} resamples)" : "",
                panels.Count == 2 ? axis : "", label);
            var ys = bins.Select(b => metric(b.Metrics.Values)).ToArray();
            // A bin of one galaxy has no standard error: no error bar.
            var es = bins.Select(b => b.Metrics.StandardErrors is { } se && !double.IsNaN(metric(se)) ? metric(se) : 0).ToArray();
            var err = plot.Add.ErrorBar(xs, ys, es);
            err.Color = Colors.Black;
            var pts = plot.Add.Scatter(xs, ys);
            pts.LineWidth = 1.5f;
            pts.MarkerSize = 8;
            double top = ys.Zip(es, (y, e) => y + e).Where(double.IsFinite).DefaultIfEmpty(1).Max();
            if (fromZero) plot.Axes.SetLimitsY(0, top * 1.15); // NMAD and η from 0: their size, not only their trend
            else
            {
                var zero = plot.Add.HorizontalLine(0);
                zero.Color = Colors.Gray;
                zero.LinePattern = LinePattern.Dashed;
            }
            plot.Axes.Bottom.SetTicks(xs, ticks);
            plot.Axes.SetLimitsX(-0.5, bins.Count - 0.5);
            panels.Add(plot);
        }
        Figures.SaveStacked(path, panels, Figures.Width, 300);
    }

    /// <summary>"18..20" → "18–20", "-Infinity..18" → "&lt; 18", "23..Infinity" → "≥ 23".</summary>
    public static string BinLabel(string key)
    {
        var parts = key.Split("..");
        if (parts.Length != 2) return key;
        if (parts[0] == "-Infinity") return $"< {parts[1]}";
        if (parts[1] == "Infinity") return $"≥ {parts[0]}";
        return $"{parts[0]}–{parts[1]}";
    }
}
