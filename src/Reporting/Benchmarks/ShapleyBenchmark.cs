using System.Diagnostics;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Shapley;
using MantisShrimp.Kernels.Input;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Benchmarks;

public sealed record ShapleyBenchmarkOptions(string Model, string Data)
{
    public string Split { get; init; } = Splits.Test;
    /// <summary>Galaxies explained exactly (the first of the split, in shard order).</summary>
    public int Galaxies { get; init; } = 4;
    public int BatchSize { get; init; } = 64;
    public string Device { get; init; } = "auto";
    public ulong Seed { get; init; }
    /// <summary>Network calls timed for the plain inference rate.</summary>
    public int InferenceBatches { get; init; } = 12;
    /// <summary>Subsets of one galaxy evaluated one call each (and batched) for batched_vs_per_subset.</summary>
    public int PerSubsetSubsets { get; init; } = 128;
    /// <summary>Sampled mode: the mean absolute error (in z) to reach.</summary>
    public double TargetError { get; init; } = 0.005;
    public int[] PermutationLadder { get; init; } = [2, 4, 8, 16, 32, 64, 128, 256];
    /// <summary>Rounds per timing; each figure is the best round (the machine is shared).</summary>
    public int Repeats { get; init; } = 5;
    /// <summary>Input transform, masked images and composites of the exact run: "cpu" (C#) or "cuda" (ILGPU kernels).</summary>
    public string Accelerator { get; init; } = "cpu";
}

/// <summary>
/// <c>mantis bench shapley</c>: exact Shapley throughput against the same model's plain inference rate, batching
/// and stem-trick gains, evaluations saved by null bands, and the sampled mode's speed-up at a target error — all
/// in one run on one model (this machine is shared and noisy, so only same-run ratios mean anything).
/// </summary>
public static class ShapleyBenchmark
{
    public static Dictionary<string, object?> Run(ShapleyBenchmarkOptions o, IProgressReporter? progress = null)
    {
        progress ??= NullProgress.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Repeats, 1, nameof(o.Repeats)); // the CLI rejects it first, naming --repeats
        var device = TorchDevice.Resolve(o.Device);
        var (_, model) = Checkpoint.Load(o.Model);
        model.to(device);
        model.eval();
        using var set = ShardSet.Open(o.Data);
        var records = set.ForSplit(o.Split).SelectMany(s =>
            Enumerable.Range(0, s.Count).Select(i => (Shard: s, Slot: i))).Take(o.Galaxies).ToArray();
        if (records.Length == 0) throw new UserInputException($"{o.Data}: the {o.Split} split is empty");
        var raw = new Dictionary<string, object?>
        {
            ["model"] = Path.GetFullPath(o.Model), ["arch"] = model.Config.Arch.Spelling(), ["backbone"] = model.Config.Backbone,
                ["bands"] = model.Config.Bands.Spelling(),
            ["device"] = device.type.ToString(), ["torch_threads"] = torch.get_num_threads(), ["galaxies"] = records.Length,
                ["batch_size"] = o.BatchSize,
        };

        progress.Message($"plain inference and exact Shapley of {records.Length} galaxies …");
        var (backend, choice) = new ShapleyOptions(o.Model, o.Data, "bench.csv") { Accelerator = o.Accelerator }.Acceleration;
        using var evaluator = new ShapleyEvaluator(model, device,
            new ShapleyEvaluatorOptions { BatchSize = o.BatchSize, Backend = backend, Accelerator = choice });
        raw["accelerator"] = o.Accelerator;
        var bench = new Measurements(o, model, device, evaluator, raw, progress);
        var (gps, inferenceRate, evaluations) = bench.ExactAgainstInference(records);
        double? stemGain = bench.StemTrickGain();
        double? factoriseGain = bench.FactoriseGain();
        bench.CountPasses();
        double batchedGain = bench.BatchedVsPerSubset();
        var (sampledSpeedup, sampledError) = bench.SampledLadder();
        model.Dispose();

        return new Dictionary<string, object?>
        {
            ["galaxies_per_s_exact"] = gps,
            ["inference_samples_per_s"] = inferenceRate,
            ["exact_vs_limit"] = gps * ShapleyMath.Subsets / inferenceRate,
            ["batched_vs_per_subset"] = batchedGain,
            ["stem_trick_gain"] = stemGain,
            ["factorise_gain"] = factoriseGain,
            ["evaluations_saved_fraction"] = 1 - (double)evaluations / (ShapleyMath.Subsets * (long)records.Length),
            ["sampled_speedup"] = sampledSpeedup,
            ["sampled_mean_abs_error"] = sampledError,
            ["raw"] = raw,
        };
    }

    /// <summary>
    /// The bench's steps on one model and one production evaluator, in the order they run; each adds its raw figures to
    /// <c>raw</c>. The exact run's galaxies, value tables and Shapley values are the reference of the later steps.
    /// </summary>
    private sealed class Measurements(ShapleyBenchmarkOptions o, PhotoZNetwork model, Device device, ShapleyEvaluator evaluator,
        Dictionary<string, object?> raw, IProgressReporter progress)
    {
        private ShapleyGalaxy[] _galaxies = [];
        private ValueTable[] _tables = [];
        private double[][] _exact = [];

        /// <summary>
        /// 1–2. The limit (plain inference of real inputs, batch after batch) and the production path of exact Shapley
        /// (masked images from source extraction, composites, batched evaluation, Shapley sums), timed in alternation.
        /// </summary>
        public (double GalaxiesPerSecond, double InferenceRate, long Evaluations) ExactAgainstInference(
            (Shard Shard, int Slot)[] records)
        {
            evaluator.Evaluate([Galaxy(records[0], o.Seed)], (_, a) => [0, a]); // warm-up: layouts, JIT, libtorch kernels
            var inference = InferenceCall(model, device, records, o);
            _galaxies = new ShapleyGalaxy[records.Length];
            double maskingSeconds = double.MaxValue;
            var times = Interleaved(
                () => { for (int b = 0; b < o.InferenceBatches; b++) inference(); },
                () =>
                {
                    var clock = Stopwatch.StartNew();
                    _galaxies = ShapleyGalaxy.FromRecords(records, o.Seed, evaluator.Kernels);
                    maskingSeconds = Math.Min(maskingSeconds, clock.Elapsed.TotalSeconds);
                    _tables = evaluator.Evaluate(_galaxies);
                    _exact = _tables.Select(t => ShapleyMath.Exact(t.Values)).ToArray();
                });
            double inferenceRate = o.InferenceBatches * o.BatchSize / times[0];
            double exactSeconds = times[1];
            raw["inference_samples_per_s"] = inferenceRate;
            long evaluations = _tables.Sum(t => (long)t.Evaluations);
            raw["exact_seconds"] = exactSeconds;
            raw["baseline_seconds"] = maskingSeconds;
            raw["evaluations"] = evaluations;
            raw["evaluations_per_s_exact"] = evaluations / exactSeconds;
            raw["efficiency_max_abs_violation"] =
                _tables.Select((t, g) => Math.Abs(_exact[g].Sum() - (t.Values[ShapleyMath.AllBands] - t.Values[0]))).Max();
            return (records.Length / exactSeconds, inferenceRate, evaluations);
        }

        /// <summary>3. Stem trick: the same galaxies with every composite convolved; null for a model without a linear stem.</summary>
        public double? StemTrickGain()
        {
            if (model is not ILinearStem) return null;
            progress.Message("exact Shapley without the stem trick …");
            using var plain = new ShapleyEvaluator(model, device,
                new ShapleyEvaluatorOptions { BatchSize = o.BatchSize, StemTrick = false });
            plain.Evaluate([_galaxies[0]], (_, a) => [0, a]);
            var t = Interleaved(() => evaluator.Evaluate(_galaxies), () => plain.Evaluate(_galaxies));
            double withTrick = t[0], without = t[1];
            raw["evaluate_seconds_stem_trick"] = withTrick;
            raw["evaluate_seconds_no_stem_trick"] = without;
            return without / withTrick;
        }

        /// <summary>
        /// 3b. Late-fusion factorisation: the same galaxies through the whole network per composite (brute force), and how far
        /// the two are apart; null for a model that is not factorised.
        /// </summary>
        public double? FactoriseGain()
        {
            if (model is not IFactorisedFusion) return null;
            progress.Message("exact Shapley without the factorisation (brute force) …");
            using var brute = new ShapleyEvaluator(model, device,
                new ShapleyEvaluatorOptions { BatchSize = o.BatchSize, Factorise = false });
            brute.Evaluate([_galaxies[0]], (_, a) => [0, a]);
            ValueTable[] bruteTables = [];
            // Brute force costs ~factorise_gain × the factorised run: one round of it is enough and keeps the bench short.
            var t = InterleavedRounds(1, () => evaluator.Evaluate(_galaxies), () => bruteTables = brute.Evaluate(_galaxies));
            raw["evaluate_seconds_factorised"] = t[0];
            raw["evaluate_seconds_brute_force"] = t[1];
            raw["factorised_vs_brute_force_max_abs_difference"] = _tables.Select((x, g) =>
                Enumerable.Range(0, ShapleyMath.Subsets).Max(s => Math.Abs(x.Values[s] - bruteTables[g].Values[s]))).Max();
            raw["factorised_vs_brute_force_max_abs_shapley_difference"] = _tables.Select((x, g) =>
            {
                var phi = ShapleyMath.Exact(bruteTables[g].Values);
                return Enumerable.Range(0, ShapleyMath.Players).Max(j => Math.Abs(_exact[g][j] - phi[j]));
            }).Max();
            return t[1] / t[0];
        }

        /// <summary>Network and head passes of one more exact run, per galaxy.</summary>
        public void CountPasses()
        {
            long passesBefore = evaluator.NetworkPasses, headBefore = evaluator.HeadPasses;
            evaluator.Evaluate(_galaxies);
            raw["network_passes_per_galaxy"] = (double)(evaluator.NetworkPasses - passesBefore) / _galaxies.Length;
            raw["head_passes_per_galaxy"] = (double)(evaluator.HeadPasses - headBefore) / _galaxies.Length;
        }

        /// <summary>4. Batched vs one network call per subset (same subsets of one galaxy, composites convolved in both).</summary>
        public double BatchedVsPerSubset()
        {
            progress.Message($"batched vs per-subset calls on {o.PerSubsetSubsets} subsets …");
            var subsets = ShapleyEvaluator.AllSubsetsOf(_tables[0].ActiveMask).Take(o.PerSubsetSubsets).ToArray();
            using var single = new ShapleyEvaluator(model, device,
                new ShapleyEvaluatorOptions { BatchSize = 1, StemTrick = false, Factorise = false });
            using var batched = new ShapleyEvaluator(model, device,
                new ShapleyEvaluatorOptions { BatchSize = o.BatchSize, StemTrick = false, Factorise = false });
            single.Evaluate([_galaxies[0]], (_, a) => [0]);
            batched.Evaluate([_galaxies[0]], (_, a) => [0]);
            var pair = Interleaved(() => single.Evaluate([_galaxies[0]], (_, _) => subsets),
                () => batched.Evaluate([_galaxies[0]], (_, _) => subsets));
            double perSubset = pair[0], batchedTime = pair[1];
            raw["per_subset_seconds"] = perSubset;
            raw["batched_seconds"] = batchedTime;
            raw["per_subset_subsets"] = subsets.Length;
            return perSubset / batchedTime;
        }

        /// <summary>
        /// 5. Sampled mode: the smallest K of the ladder whose mean absolute error against the exact values is below the
        /// target, with its speed-up and error (nulls when no K reaches it).
        /// </summary>
        public (double? Speedup, double? Error) SampledLadder()
        {
            double evaluateExact = double.MaxValue;
            var ladder = new List<Dictionary<string, object>>();
            double? sampledSpeedup = null, sampledError = null;
            foreach (int k in o.PermutationLadder)
            {
                progress.Message($"sampled, {k} permutations …");
                var orderings = new int[_galaxies.Length][][];
                ValueTable[] sampledTables = [];
                var st = Interleaved(() => evaluator.Evaluate(_galaxies), () => sampledTables = evaluator.Evaluate(_galaxies,
                    (g, a) => ShapleyMath.NeededSubsets(
                        orderings[g] = ShapleyMath.Permutations(a, k, ShapleyMath.PermutationSeed(o.Seed, g)))));
                evaluateExact = Math.Min(evaluateExact, st[0]);
                double seconds = st[1];
                double mae = MeanAbsoluteError(sampledTables, orderings);
                ladder.Add(new() { ["permutations"] = k, ["seconds"] = seconds, ["speedup"] = st[0] / seconds, ["mean_abs_error"] = mae,
                    ["evaluations"] = sampledTables.Sum(t => t.Evaluations) });
                if (mae < o.TargetError) { sampledSpeedup = st[0] / seconds; sampledError = mae; raw["sampled_permutations"] = k; break; }
            }
            raw["evaluate_seconds_exact"] = evaluateExact;
            raw["sampled_ladder"] = ladder;
            return (sampledSpeedup, sampledError);
        }

        /// <summary>Mean over galaxies and players of |sampled − exact| Shapley value.</summary>
        private double MeanAbsoluteError(ValueTable[] sampledTables, int[][][] orderings)
        {
            double mae = 0;
            for (int g = 0; g < _galaxies.Length; g++)
            {
                var (phi, _) = ShapleyMath.Sampled(sampledTables[g].Values, orderings[g]);
                for (int j = 0; j < ShapleyMath.Players; j++) mae += Math.Abs(phi[j] - _exact[g][j]);
            }
            return mae / (_galaxies.Length * ShapleyMath.Players);
        }

        /// <summary>Best time of each action over <see cref="ShapleyBenchmarkOptions.Repeats"/> rounds, the actions alternating
        /// within each round.</summary>
        private double[] Interleaved(params Action[] actions) => InterleavedRounds(o.Repeats, actions);

        private static double[] InterleavedRounds(int rounds, params Action[] actions)
        {
            var best = Enumerable.Repeat(double.MaxValue, actions.Length).ToArray();
            foreach (var action in actions) action(); // an untimed warm-up round: with --repeats 1 a cold first call was the figure
            for (int round = 0; round < rounds; round++)
                for (int i = 0; i < actions.Length; i++)
                {
                    var clock = Stopwatch.StartNew();
                    actions[i]();
                    best[i] = Math.Min(best[i], clock.Elapsed.TotalSeconds);
                }
            return best;
        }
    }

    private static ShapleyGalaxy Galaxy((Shard Shard, int Slot) r, ulong seed) => ShapleyGalaxy.FromRecord(r.Shard, r.Slot, seed);

    /// <summary>One plain network call on a full batch of real (fused-kernel) inputs, as the limit's unit of work.</summary>
    private static Action InferenceCall(PhotoZNetwork model, Device device, (Shard Shard, int Slot)[] records, ShapleyBenchmarkOptions o)
    {
        var layout = InputLayouts.Create(model.Config.Fusion, o.BatchSize);
        var rawPixels = new float[o.BatchSize * layout.RawSampleStride];
        for (int i = 0; i < o.BatchSize; i++)
        {
            var r = records[i % records.Length];
            r.Shard.Pixels(r.Slot).CopyTo(rawPixels.AsSpan(i * layout.RawSampleStride));
        }
        var output = new float[layout.OutputLength];
        var augment = Enumerable.Repeat(SampleAugment.Identity, o.BatchSize).ToArray();
        new FusedInputCpu(layout).Run(rawPixels, o.BatchSize, augment, output);
        var inputs = InputLayouts.Tensors(layout, output, o.BatchSize, device).Select(t => t.DetachFromDisposeScope()).ToArray();
        var ebv = zeros(o.BatchSize, 2, device: device).DetachFromDisposeScope();
        void Call()
        {
            using var _ = torch.inference_mode();
            using var scope = NewDisposeScope();
            nn.functional.softmax(model.call(inputs, ebv), 1).matmul(ones(model.Config.Classes, device: device)).cpu();
        }
        Call(); Call();
        return Call;
    }
}
