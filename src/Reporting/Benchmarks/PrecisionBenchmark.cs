using System.Diagnostics;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
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
