using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Baseline;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;

namespace MantisShrimp.Engine.Experiments;

public sealed record Table4Options(string Data, string Out, string Markdown)
{
    public string Backbone { get; init; } = ConvNeXtSpec.Demo.Name;
    public int Epochs { get; init; } = 12;
    public int BatchesPerEpoch { get; init; } = 100;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    public int HeadWidth { get; init; } = 256;
    public ulong Seed { get; init; } = 42;
    public int Bootstrap { get; init; } = 1000;
}

/// <summary>
/// The mock-universe analogue of the paper's Table 4: early and late fusion × the four band sets, plus the
/// tabular baseline, each trained with the same seed and sizes, scored on the test split and evaluated with
/// the same code as <c>mantis evaluate</c>; writes a markdown report. Every run resumes, so an interrupted
/// experiment continues where it stopped.
/// </summary>
public static class Table4
{
    public static string Run(Table4Options o, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        var rows = new List<(string Arch, string Bands, Dictionary<string, object?> M)>();
        foreach (var arch in new[] { "early", "late" })
            foreach (var bands in BandSets.Names)
            {
                string dir = Path.Combine(o.Out, $"{arch}_{bands.Replace('+', '_')}");
                progress.Message($"== {arch} fusion, {bands} ==");
                Trainer.Run(new TrainOptions
                {
                    Data = o.Data, Out = dir, Epochs = o.Epochs, BatchesPerEpoch = o.BatchesPerEpoch, BatchSize = o.BatchSize,
                    LearningRate = o.LearningRate, Seed = o.Seed, Device = "auto",
                    Network = new NetworkConfig { Arch = arch, Backbone = o.Backbone, Bands = bands, HeadWidth = o.HeadWidth, DropPath = 0.05 },
                }, progress, cancel);
                string scores = Path.Combine(dir, "scores.csv");
                Scorer.Run(new ScoreOptions(Path.Combine(dir, Trainer.BestCheckpoint), o.Data, Splits.Test, scores) { WritePdf = true }, progress, cancel);
                rows.Add((arch, bands, Evaluator.Run(new EvaluateOptions(scores, Path.Combine(dir, "eval")) { Bootstrap = o.Bootstrap, Seed = o.Seed })));
            }
        progress.Message("== tabular baseline ==");
        string baseDir = Path.Combine(o.Out, "baseline");
        Directory.CreateDirectory(baseDir);
        using (var set = ShardSet.Open(o.Data))
            Scorer.Write(TabularBaseline.TrainAndPredict(set, Splits.Test, o.Seed, progress), set, Splits.Test, Path.Combine(baseDir, "scores.csv"), true);
        rows.Add(("tabular", "all", Evaluator.Run(new EvaluateOptions(Path.Combine(baseDir, "scores.csv"), Path.Combine(baseDir, "eval")) { Bootstrap = o.Bootstrap, Seed = o.Seed })));
        string report = Markdown(o, rows);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Markdown))!);
        AtomicFile.WriteAllText(o.Markdown, report);
        return report;
    }

    private static double V(Dictionary<string, object?> m, string k) => m.GetValueOrDefault(k) is double d ? d : double.NaN;

    private static string Markdown(Table4Options o, List<(string Arch, string Bands, Dictionary<string, object?> M)> rows)
    {
        static string F(double v, string fmt) => double.IsNaN(v) ? "—" : v.ToString(fmt, CultureInfo.InvariantCulture);
        string Cell(Dictionary<string, object?> m, string k, string fmt) => $"{F(V(m, k), fmt)} ± {F(V(m, k + "_se"), fmt)}";
        var sb = new StringBuilder();
        sb.AppendLine("# Results on the mock universe: the analogue of the paper's Table 4");
        sb.AppendLine();
        sb.AppendLine($"Produced by `./mantis table4 --data {o.Data} --out {o.Out} --markdown {o.Markdown}` (backbone {o.Backbone}, " +
            $"{o.Epochs} epochs × {o.BatchesPerEpoch} batches of {o.BatchSize}, lr {o.LearningRate.ToString(CultureInfo.InvariantCulture)}, head width {o.HeadWidth}, seed {o.Seed}; " +
            $"test split; ± = bootstrap standard error over {o.Bootstrap} resamples). Same seed and sizes for every row.");
        sb.AppendLine();
        sb.AppendLine("| model | bands | n | NMAD | bias | η0.15 (%) | CDE loss | PIT KS |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (arch, bands, m) in rows)
            sb.AppendLine($"| {arch} | {bands} | {m["n"]} | {Cell(m, "nmad", "F4")} | {Cell(m, "bias", "F4")} | {Cell(m, "eta_0p15", "F2")} | {Cell(m, "cde_loss", "F3")} | {Cell(m, "pit_ks", "F3")} |");
        sb.AppendLine();
        sb.AppendLine("Early and late fusion with the optical bands only are the same network (one PS1 encoder on the same 120×120 crops, " +
            "same seed), so those two rows are identical by construction.");
        sb.AppendLine();
        sb.AppendLine("## Which of the paper's findings hold here");
        double N(string arch, string bands) => V(rows.First(r => r.Arch == arch && r.Bands == bands).M, "nmad");
        double S(string arch, string bands) => V(rows.First(r => r.Arch == arch && r.Bands == bands).M, "nmad_se");
        foreach (var arch in new[] { "early", "late" })
        {
            double ir = N(arch, "optical+ir"), uv = N(arch, "optical+uv"), all = N(arch, "all"), opt = N(arch, "optical");
            sb.AppendLine($"- {arch} fusion — IR helps more than UV: **{(ir < uv ? "holds" : "does not hold")}** (NMAD optical+IR {F(ir, "F4")} vs optical+UV {F(uv, "F4")}; optical only {F(opt, "F4")}).");
            bool best = all <= new[] { ir, uv, opt }.Min();
            bool withinNoise = all <= new[] { ir, uv, opt }.Min() + 2 * S(arch, "all");
            sb.AppendLine($"- {arch} fusion — all bands best: **{(best ? "holds" : withinNoise ? "within 2σ of the best" : "does not hold")}** (all {F(all, "F4")}).");
        }
        double e = N("early", "all"), l = N("late", "all"), se = Math.Sqrt(Math.Pow(S("early", "all"), 2) + Math.Pow(S("late", "all"), 2));
        sb.AppendLine($"- early ≈ late: **{(Math.Abs(e - l) <= 2 * se ? "holds (within 2σ)" : e < l ? "early better" : "late better")}** (NMAD {F(e, "F4")} vs {F(l, "F4")}, σ of the difference {F(se, "F4")}).");
        double t = V(rows.Last().M, "nmad");
        sb.AppendLine($"- CNN vs tabular: **{(Math.Min(e, l) < t ? "the CNN is better" : "the tabular baseline is as good or better")}** (NMAD {F(Math.Min(e, l), "F4")} vs {F(t, "F4")}).");
        sb.AppendLine();
        sb.AppendLine("Limits: a small network trained for minutes on a few thousand simulated galaxies — the paper trained ConvNeXt-Large " +
            "on 4.4 million real galaxies for days on 16 GPUs. Differences smaller than about two standard errors are noise. The tabular " +
            "baseline measures each band with the paper's target rule (Kron flux of the detection nearest the centre within 5 px, else the " +
            "static aperture; docs/shapley.md) and gives a Gaussian PDF. The mock universe's realism limits are in docs/simulator.md.");
        return sb.ToString();
    }
}
