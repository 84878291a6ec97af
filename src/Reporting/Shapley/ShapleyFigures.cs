using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Plots;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Shapley;

/// <summary>The paper's Fig. 6 (cutouts and their masked images) and Fig. 9 (band importance against redshift) for our data.</summary>
public static class ShapleyFigures
{
    /// <summary>Fig. 6 analogue: for <paramref name="count"/> random galaxies of a split, the 9 bands (top row) and their masked images
    /// (bottom row), one PNG each.</summary>
    public static IReadOnlyList<string> MaskedImageExamples(string shards, string split, int count, ulong seed, string outDir)
    {
        using var set = ShardSet.Open(shards);
        var records = set.ForSplit(split).SelectMany(s => Enumerable.Range(0, s.Count).Select(i => (Shard: s, Slot: i))).ToArray();
        if (records.Length == 0) throw new UserInputException($"{shards}: the {split} split is empty");
        var rng = new SplitMix64(seed);
        var pick = Enumerable.Range(0, records.Length).ToArray();
        rng.Shuffle<int>(pick);
        var written = new List<string>();
        Directory.CreateDirectory(outDir);
        var summary = new StringBuilder("file,id,band,method,flux,mask_a,mask_b,mask_theta,back,rms\n");
        foreach (int index in pick.Take(count))
        {
            var (shard, slot) = records[index];
            var raw = shard.Pixels(slot).ToArray();
            var (targets, masked) = MaskedImages.ForSample(raw, seed, shard.Header(slot).CatalogRow);
            var top = new List<(float[], int)>();
            var bottom = new List<(float[], int)>();
            foreach (var b in BandTable.All)
            {
                int n = b.NativeSize, at = BandTable.NativePixelOffset(b.Band);
                top.Add((raw.AsSpan(at, n * n).ToArray(), n));
                bottom.Add((masked.AsSpan(at, n * n).ToArray(), n));
            }
            string id = shard.Ids[slot];
            string file = Path.Combine(outDir, $"baseline_{Sanitise(id)}.png");
            Figures.Mosaic(file, [top, bottom]);
            written.Add(file);
            foreach (var t in targets)
                summary.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(file)},{Csv.Escape(id)},{BandTable.Get(t.Band).Name},{t.Method},{t.Flux:G6}," +
                    $"{t.Mask.A:F3},{t.Mask.B:F3},{t.Mask.Theta:F4},{t.BackLevel:G6},{t.BackRms:G6}\n"));
        }
        AtomicFile.WriteAllText(Path.Combine(outDir, "baselines.csv"), summary.ToString());
        return written;
    }

    private static string Sanitise(string id) => new(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());

    /// <summary>Reads a <c>mantis shapley</c> output (CSV or Parquet) as (z_spec, shap[9], mm[9]) rows.</summary>
    public static List<(double Z, double[] Shap, double[] Mm)> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"Shapley file not found: {path}");
        var names = ShapleyRunner.BandNames;
        string[] wanted = ["z_spec", .. names.Select(b => $"shap_{b}"), .. names.Select(b => $"mm_{b}")];
        var columns = new Dictionary<string, double[]>();
        var rows = Inference.TableFile.Read(path).ToList(); // CSV or Parquet
        if (rows.Count == 0) throw new UserInputException($"{path}: empty file");
        var header = rows[0].Fields;
        foreach (var w in wanted)
        {
            int c = Array.IndexOf(header, w);
            if (c < 0) throw new UserInputException($"{path}: column {w} is missing");
            columns[w] = rows.Skip(1).Select(r => double.TryParse(r.Fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new UserInputException($"{path}, line {r.Line}: {w} is not a number ('{r.Fields[c]}')")).ToArray();
        }
        int count = columns["z_spec"].Length;
        return Enumerable.Range(0, count).Select(i => (columns["z_spec"][i],
            names.Select(b => columns[$"shap_{b}"][i]).ToArray(), names.Select(b => columns[$"mm_{b}"][i]).ToArray())).ToList();
    }

    /// <summary>Per redshift bin: mean and standard error of each band's Shapley value and MM-SHAP (bins with fewer than <paramref
    /// name="minCount"/> galaxies are left out).</summary>
    public static List<ShapleyBin> Bin(IReadOnlyList<(double Z, double[] Shap, double[] Mm)> rows, double binWidth = 0.2, int minCount = 5)
    {
        var bins = new List<ShapleyBin>();
        for (double lo = 0; lo < RedshiftGrid.ZMax - 1e-9; lo += binWidth)
        {
            double hi = lo + binWidth;
            var members = rows.Where(r => r.Z >= lo && r.Z < hi).ToList();
            if (members.Count < minCount) continue;
            var (ms, ss) = Stats(members.Select(m => m.Shap).ToList());
            var (mm, sm) = Stats(members.Select(m => m.Mm).ToList());
            bins.Add(new ShapleyBin(lo, hi, members.Count, ms, ss, mm, sm));
        }
        return bins;
    }

    private static (double[] Mean, double[] Se) Stats(List<double[]> values)
    {
        int n = values.Count, k = values[0].Length;
        var mean = new double[k];
        var se = new double[k];
        for (int j = 0; j < k; j++)
        {
            double m = values.Average(v => v[j]);
            double var = n > 1 ? values.Sum(v => (v[j] - m) * (v[j] - m)) / (n - 1) : 0;
            mean[j] = m;
            se[j] = Math.Sqrt(var / n);
        }
        return (mean, se);
    }

    /// <summary>Fig. 9 analogue: shapley_by_z.png, mmshap_by_z.png and shapley_by_z.csv in <paramref name="outDir"/>.</summary>
    public static IReadOnlyList<ShapleyBin> Plot(string shapleyFile, string outDir, double binWidth = 0.2)
    {
        var bins = Bin(Read(shapleyFile), binWidth);
        if (bins.Count == 0) throw new UserInputException($"{shapleyFile}: no redshift bin holds enough galaxies to plot");
        Directory.CreateDirectory(outDir);
        var names = ShapleyRunner.BandNames;
        var centres = bins.Select(b => 0.5 * (b.ZLo + b.ZHi)).ToArray();
        foreach (var (file, title, y, mean, se) in new[]
        {
            ("shapley_by_z.png", "Mean Shapley value per band", "mean Shapley value (Δ E[z])",
                (Func<ShapleyBin, double[]>)(b => b.MeanShap), (Func<ShapleyBin, double[]>)(b => b.SeShap)),
            ("mmshap_by_z.png", "MM-SHAP per band", "mean MM-SHAP (share of |Shapley|)", b => b.MeanMm, b => b.SeMm),
        })
        {
            var plot = Figures.New(title, "spectroscopic redshift", y);
            var palette = new ScottPlot.Palettes.Category10(); // 10 distinct colours: one per band
            for (int j = 0; j < names.Length; j++)
            {
                double offset = (j - 4) * binWidth * 0.03; // spread the bands a little within each bin
                var xs = centres.Select(c => c + offset).ToArray();
                var ys = bins.Select(b => mean(b)[j]).ToArray();
                var es = bins.Select(b => se(b)[j]).ToArray();
                var scatter = plot.Add.Scatter(xs, ys);
                scatter.Color = palette.GetColor(j);
                scatter.LegendText = names[j];
                scatter.MarkerSize = 6;
                var bars = plot.Add.ErrorBar(xs, ys, es);
                bars.Color = scatter.Color;
            }
            // Each bin's range and galaxy count under it; the legend beside the axes, where it hides no point (z = 0.1 included).
            plot.Axes.Bottom.SetTicks(centres,
                bins.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.ZLo:0.0#}–{b.ZHi:0.0#}\nn = {b.Count}")).ToArray());
            plot.Axes.SetLimitsX(0, Math.Max(bins[^1].ZHi, centres[^1] + binWidth));
            Figures.SaveLegendRight(plot, Path.Combine(outDir, file), Figures.Width + 120);
        }
        var csv = new StringBuilder("z_lo,z_hi,n,band,mean_shap,se_shap,mean_mm,se_mm\n");
        foreach (var b in bins)
            for (int j = 0; j < names.Length; j++)
                csv.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{b.ZLo:F2},{b.ZHi:F2},{b.Count},{names[j]},{b.MeanShap[j]:G6},{b.SeShap[j]:G6},{b.MeanMm[j]:G6},{b.SeMm[j]:G6}\n"));
        AtomicFile.WriteAllText(Path.Combine(outDir, "shapley_by_z.csv"), csv.ToString());
        return bins;
    }
}
