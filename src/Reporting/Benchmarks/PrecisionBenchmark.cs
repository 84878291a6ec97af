using System.Diagnostics;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;
using TorchSharp;

namespace MantisShrimp.Engine.Benchmarks;

public sealed record PrecisionBenchmarkOptions(string Model, string Data)
{
    public string Split { get; init; } = Splits.Test;
    public int BatchSize { get; init; } = 32;
    /// <summary>Threads preparing input batches (score's --threads); libtorch's own thread count is the process's.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    public string Device { get; init; } = "cpu";
    /// <summary>Timed rounds per precision, interleaved fp32, bf16, fp32, … (best of each kept).</summary>
    public int Rounds { get; init; } = 3;
}

/// <summary>How far bf16 scores are from fp32 scores of the same galaxies (PDFs and their summaries).</summary>
public sealed record PrecisionAgreement(int Galaxies, double MaxAbsDeltaP, double MaxAbsDeltaZMean, double MaxAbsDeltaZMode,
    int ModeBinChanges,
    double NmadFp32, double NmadBf16, double Eta015Fp32, double Eta015Bf16)
{
    /// <summary>Compares two scorings of the same records in the same order; NMAD and η(0.15) on z_mean, as <c>mantis
    /// evaluate</c>.</summary>
    public static PrecisionAgreement Of(IReadOnlyList<Prediction> fp32, IReadOnlyList<Prediction> bf16, double[] centres)
    {
        if (fp32.Count != bf16.Count) throw new ArgumentException($"{fp32.Count} fp32 vs {bf16.Count} bf16 predictions");
        double dp = 0, dMean = 0, dMode = 0;
        int changes = 0;
        var r32 = new double[fp32.Count];
        var r16 = new double[fp32.Count];
        for (int i = 0; i < fp32.Count; i++)
        {
            if (fp32[i].Record != bf16[i].Record) throw new ArgumentException($"prediction {i}: different records");
            var a = fp32[i].Probabilities;
            var b = bf16[i].Probabilities;
            for (int k = 0; k < a.Length; k++) dp = Math.Max(dp, Math.Abs(a[k] - b[k]));
            var sa = PdfSummary.From(a, centres);
            var sb = PdfSummary.From(b, centres);
            dMean = Math.Max(dMean, Math.Abs(sa.Mean - sb.Mean));
            dMode = Math.Max(dMode, Math.Abs(sa.Mode - sb.Mode));
            if (sa.Mode != sb.Mode) changes++;
            r32[i] = Metrics.Residual(sa.Mean, fp32[i].ZSpec);
            r16[i] = Metrics.Residual(sb.Mean, bf16[i].ZSpec);
        }
        return new PrecisionAgreement(fp32.Count, dp, dMean, dMode, changes, Metrics.Nmad(r32), Metrics.Nmad(r16), Metrics.Eta(r32, 0.15),
            Metrics.Eta(r16, 0.15));
    }
}

/// <summary>
/// <c>mantis bench precision</c>: score's path (input pipeline, network, softmax) over a split with the backbones in
/// fp32 and in bf16, same process, same threads, rounds interleaved so load drifts hit both; then the PDF agreement of
/// the two over every galaxy (<see cref="PrecisionAgreement"/>).
/// </summary>
public static class PrecisionBenchmark
{
    public static Dictionary<string, object> Run(PrecisionBenchmarkOptions o)
    {
        if (o.Rounds < 1) throw new UserInputException("--rounds must be at least 1");
        var device = TorchDevice.Resolve(o.Device);
        InferencePrecision.Bf16.Check(device); // before the slow part
        using var set = ShardSet.Open(o.Data);
        var records = SequentialSampler.Records(set, o.Split);
        if (records.Length == 0) throw new UserInputException($"{o.Data}: the {o.Split} split is empty");
        var (_, fp32) = Checkpoint.Load(o.Model);
        var (_, bf16) = Checkpoint.Load(o.Model);
        using (fp32)
        using (bf16)
        {
            fp32.to(device);
            bf16.to(device);
            bf16.UsePrecision(InferencePrecision.Bf16, device);
            List<Prediction> Score(PhotoZNetwork model) => [.. Predictor.Predict(model, set, records, device, o.BatchSize, 1, o.Workers)];
            Score(fp32); // warm-up: oneDNN builds its kernels for each shape and dtype on first use
            Score(bf16);
            double best32 = double.MaxValue, best16 = double.MaxValue;
            List<Prediction> p32 = [], p16 = [];
            for (int r = 0; r < o.Rounds; r++)
            {
                var clock = Stopwatch.StartNew();
                p32 = Score(fp32);
                best32 = Math.Min(best32, clock.Elapsed.TotalSeconds);
                clock.Restart();
                p16 = Score(bf16);
                best16 = Math.Min(best16, clock.Elapsed.TotalSeconds);
            }
            var centres = ModelCard.Of(fp32.Config).ClassValues(fp32.Config.Classes);
            var a = PrecisionAgreement.Of(p32, p16, centres);
            return new Dictionary<string, object>
            {
                ["fp32_samples_per_s"] = records.Length / best32,
                ["bf16_samples_per_s"] = records.Length / best16,
                ["bf16_speedup"] = best32 / best16,
                ["galaxies"] = a.Galaxies,
                ["max_abs_delta_p"] = a.MaxAbsDeltaP,
                ["max_abs_delta_z_mean"] = a.MaxAbsDeltaZMean,
                ["max_abs_delta_z_mode"] = a.MaxAbsDeltaZMode,
                ["z_mode_bin_changes"] = a.ModeBinChanges,
                ["nmad_fp32"] = a.NmadFp32, ["nmad_bf16"] = a.NmadBf16,
                ["eta_0p15_fp32"] = a.Eta015Fp32, ["eta_0p15_bf16"] = a.Eta015Bf16,
                ["backbone"] = fp32.Config.Backbone, ["arch"] = fp32.Config.Arch, ["batch_size"] = o.BatchSize,
                ["workers"] = o.Workers, ["torch_threads"] = torch.get_num_threads(), ["device"] = device.type.ToString(),
                ["rounds"] = o.Rounds,
            };
        }
    }
}
