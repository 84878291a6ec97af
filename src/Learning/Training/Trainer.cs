using System.Diagnostics;
using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Distributed;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Training;

/// <summary>
/// Training (paper §4.3): cross-entropy over the 400 redshift classes, NAdam, class-balanced sampling with
/// replacement, fixed batches per epoch, validation every epoch, ReduceLROnPlateau on the validation loss,
/// checkpoints RUN/last.ckpt and RUN/best.ckpt, RUN/history.csv. Resumes from RUN/last.ckpt: every random
/// stream of epoch e is derived from (seed, e), so a resumed run continues exactly as an uninterrupted one.
/// </summary>
public static class Trainer
{
    public const string LastCheckpoint = "last.ckpt", BestCheckpoint = "best.ckpt", HistoryFile = "history.csv";

    public static TrainingState Run(TrainOptions o, IProgressReporter? progress = null, CancellationToken cancel = default) =>
        TorchDevice.WithThreads(o.Threads, () => RunWithThreads(o, progress, cancel));

    private static TrainingState RunWithThreads(TrainOptions o, IProgressReporter? progress, CancellationToken cancel)
    {
        var mpi = MpiSession.Current;
        if (mpi.IsDistributed && !o.Distributed)
            throw new UserInputException($"started as one of {mpi.Size} MPI ranks without --distributed: every rank would train alone " +
                $"and overwrite {o.Out}; add --distributed");
        if (o.Distributed && !mpi.IsRoot) progress = NullProgress.Instance;
        progress ??= NullProgress.Instance;
        using var set = ShardSet.Open(o.Data);
        var device = TorchDevice.Resolve(o.Device);
        Directory.CreateDirectory(o.Out);
        string last = Path.Combine(o.Out, LastCheckpoint);

        var (state, model, optimizer) = ResumeOrStart(o, last, device, progress);
        SetLearningRate(optimizer, state.LearningRate);
        using var allreduce = o.Distributed ? new GradientAllreduce(mpi, model.parameters()) : null;
        if (allreduce is not null)
        {
            BroadcastRootWeights(mpi, model);
            progress.Message($"data-parallel over {mpi.Size} MPI ranks: batch {o.BatchSize} per rank, {o.BatchSize * mpi.Size} in all; " +
                $"{allreduce.Buckets} Allreduce bucket(s) per step");
        }

        var plateau = new ReduceLrOnPlateau(o.Patience, o.Factor);
        for (int epoch = state.Epoch + 1; epoch <= o.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            double trainLoss = TrainEpoch(model, optimizer, set, o, epoch, device, progress, allreduce is null ? null : (mpi, allreduce),
                cancel);
            var (valLoss, metrics) = !o.Distributed || mpi.IsRoot
                ? Validate(model, set, device, o, cancel)
                : (double.NaN, MetricValues.Missing);
            if (o.Distributed) (valLoss, metrics) = ShareValidation(mpi, valLoss, metrics);
            double monitored = double.IsNaN(valLoss) ? trainLoss : valLoss;
            var (lr, plateauBest, bad) = plateau.Step(monitored, state.LearningRate, state.PlateauBest, state.BadEpochs);
            var row = HistoryRow(epoch, trainLoss, valLoss, state.LearningRate, metrics, clock);
            bool improved = monitored < state.BestValidationLoss;
            state = state with
            {
                Epoch = epoch, LearningRate = lr, PlateauBest = plateauBest, BadEpochs = bad,
                BestValidationLoss = improved ? monitored : state.BestValidationLoss, BestEpoch = improved ? epoch : state.BestEpoch,
                History = [.. state.History, row],
            };
            SetLearningRate(optimizer, lr);
            if (!o.Distributed || mpi.IsRoot)
            {
                using var _ = Diagnostics.StageTimings.Stage("checkpoint");
                Checkpoint.Save(last, state, model, optimizer);
                if (improved) AtomicFile.Copy(last, Path.Combine(o.Out, BestCheckpoint));
                WriteHistory(Path.Combine(o.Out, HistoryFile), state.History);
            }
            progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{o.Epochs}: train loss {trainLoss:F4}, val loss {valLoss:F4}, val NMAD {row["val_nmad"]:F4}, lr " +
                    $"{state.History[^1]["lr"]:G3}, {row["seconds"]:F0} s"));
        }
        if (o.Distributed) mpi.Barrier(); // rank 0's last checkpoint is on disk before any rank returns
        model.Dispose();
        optimizer.Dispose();
        return state;
    }

    /// <summary>The run's state, model and optimizer: from last.ckpt when the output folder has one, else new.</summary>
    private static (TrainingState State, PhotoZNetwork Model, NAdam Optimizer) ResumeOrStart(TrainOptions o, string last, Device device,
        IProgressReporter progress)
    {
        TrainingState state;
        PhotoZNetwork model;
        NAdam optimizer;
        if (File.Exists(last))
        {
            state = Checkpoint.ReadState(last);
            // A resume may leave --init-weights out (the weights come from the checkpoint); a different file is refused.
            var expected = o.Record with
            {
                Epochs = state.Options.Epochs, InitWeights = o.InitWeights is null ? state.Options.InitWeights : o.Record.InitWeights,
            };
            if (state.Options != expected || state.Network != o.Network)
                throw new UserInputException($"{o.Out} holds a run with other settings ({state.Options}, {state.Network}); choose " +
                    $"another --out.");
            KeepValidBest(o.Out, state);
            model = PhotoZNetwork.Create(state.Network);
            model.to(device);
            optimizer = NewOptimizer(model, o);
            Checkpoint.Load(last, optimizer, model);
            progress.Message($"resuming {o.Out} after epoch {state.Epoch}");
            state = state with { Options = o.Record };
        }
        else
        {
            random.manual_seed(SeedFor(o.Seed, 0));
            model = PhotoZNetwork.Create(o.Network, o.Init == WeightInit.Timm ? o.Seed : null);
            if (o.InitWeights is not null)
            {
                var import = PyTorchWeights.Load(model, o.InitWeights, o.InitEncoder);
                progress.Message($"started from {o.InitWeights} ({import.Layout}: {import.Copied} " +
                    $"tensors{(import.Adapted.Count > 0 ? ", " + string.Join("; ", import.Adapted) : "")}; " +
                    $"{import.KeptInitial.Count} kept their initialisation, {import.Ignored.Count} in the file not used)");
            }
            model.to(device);
            optimizer = NewOptimizer(model, o);
            state = new TrainingState { Network = o.Network, Options = o.Record, LearningRate = o.LearningRate };
        }
        return (state, model, optimizer);
    }

    /// <summary>Every rank starts from rank 0's weights (they already agree when seeded alike; this makes it certain).</summary>
    private static void BroadcastRootWeights(MpiSession mpi, PhotoZNetwork model)
    {
        using var _ = torch.no_grad();
        foreach (var p in model.parameters())
        {
            var values = p.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
            mpi.Broadcast(values);
            p.copy_(torch.tensor(values, p.shape).to(p.device));
        }
    }

    /// <summary>One row of history.csv (the learning rate is the one the epoch trained with).</summary>
    private static Dictionary<string, double> HistoryRow(int epoch, double trainLoss, double valLoss, double learningRate,
        MetricValues metrics, Stopwatch clock) => new()
    {
        ["epoch"] = epoch, ["train_loss"] = trainLoss, ["val_loss"] = valLoss, ["lr"] = learningRate,
        ["val_nmad"] = metrics.Nmad, ["val_bias"] = metrics.Bias, ["val_eta_0p15"] = metrics.Eta0p15, ["val_cde_loss"] = metrics.CdeLoss,
        ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
    };

    /// <summary>
    /// A resume keeps best.ckpt: it must be whole and of the best epoch. When last.ckpt is that epoch (the copy was cut
    /// short) it is copied again; otherwise the best weights are gone and the run is refused rather than finished on them.
    /// </summary>
    private static void KeepValidBest(string outDir, TrainingState state)
    {
        if (state.BestEpoch == 0) return;
        string best = Path.Combine(outDir, BestCheckpoint), last = Path.Combine(outDir, LastCheckpoint);
        string? problem = null;
        if (!File.Exists(best)) problem = "missing";
        else
            try
            {
                if (Checkpoint.Validate(best).Epoch != state.BestEpoch) problem = $"not of the best epoch {state.BestEpoch}";
            }
            catch (UserInputException e)
            {
                problem = e.Message;
            }
        if (problem is null) return;
        if (state.Epoch != state.BestEpoch)
            throw new UserInputException($"{best} is damaged ({problem}) and epoch {state.BestEpoch}'s weights are not in {last}: " +
                "delete the run folder and train again, or score last.ckpt");
        AtomicFile.Copy(last, best);
    }

    /// <summary>Rank 0's validation loss and metrics on every rank, so the scheduler's decisions agree.</summary>
    private static (double, MetricValues) ShareValidation(MpiSession mpi, double loss, MetricValues metrics)
    {
        double[] values = [loss, .. metrics.ToArray()];
        mpi.Broadcast(values);
        return (values[0], MetricValues.FromSpan(values.AsSpan(1)));
    }

    private static NAdam NewOptimizer(PhotoZNetwork model, TrainOptions o) =>
        (NAdam)optim.NAdam(model.parameters(), o.LearningRate, weight_decay: o.WeightDecay);

    private static void SetLearningRate(NAdam optimizer, double lr)
    {
        foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
    }

    /// <summary>The seed of epoch e's random streams (sampler, augmentation, stochastic depth).</summary>
    public static long SeedFor(ulong seed, int epoch) => (long)(SplitMix64.ForStream(seed, (ulong)epoch).NextUInt64() >> 2);

    private static double TrainEpoch(PhotoZNetwork model, NAdam optimizer, ShardSet set, TrainOptions o, int epoch, Device device,
        IProgressReporter progress, (MpiSession Mpi, GradientAllreduce Allreduce)? distributed, CancellationToken cancel)
    {
        model.train();
        long epochSeed = SeedFor(o.Seed, epoch);
        random.manual_seed(epochSeed);
        // Stochastic depth draws from the network's own generator, seeded alike (the same stream as the global one
        // after manual_seed), so another user of the global generator in this process cannot shift the masks.
        using var dropPath = model.DropPathRandom.Use(new Generator((ulong)epochSeed, device));
        ISampler sampler = new ClassBalancedSampler(set, Splits.Train, (ulong)epochSeed);
        var policy = AugmentPolicy.Training((ulong)epochSeed ^ 0xA5A5);
        if (distributed is { } d)
        {
            // Rank r trains on samples [r·B, (r+1)·B) of each global batch of B·N, augmented as in a one-process run.
            sampler = new RankSliceSampler(sampler, o.BatchSize * d.Mpi.Size, d.Mpi.Rank * o.BatchSize, o.BatchSize);
            policy = policy.WithSampleOffset(d.Mpi.Rank * o.BatchSize);
        }
        var options = new PipelineOptions { Fusion = model.Config.Fusion, BatchSize = o.BatchSize, Workers = o.Workers };
        using var pipeline = new InputPipeline(set, sampler, policy, options);
        double sum = 0;
        using var task = progress.Start($"epoch {epoch} training", o.BatchesPerEpoch);
        for (int b = 0; b < o.BatchesPerEpoch; b++)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = pipeline.Next(cancel)!;
            using (NewDisposeScope())
            {
                var forward = Diagnostics.StageTimings.Stage("train_forward", batch.Count);
                var inputs = batch.Inputs.Select(t => t.to(device)).ToArray();
                var logits = model.call(inputs, batch.Ebv.to(device));
                var loss = nn.functional.cross_entropy(logits, batch.Classes.to(device));
                forward.Dispose();
                using (Diagnostics.StageTimings.Stage("backward", batch.Count))
                {
                    optimizer.zero_grad();
                    loss.backward();
                }
                if (distributed is { } all)
                    using (Diagnostics.StageTimings.Stage("allreduce")) all.Allreduce.Average();
                using (Diagnostics.StageTimings.Stage("optimizer", batch.Count)) optimizer.step();
                sum += loss.item<float>();
                Diagnostics.EngineMetrics.Samples.Add(batch.Count, Diagnostics.EngineMetrics.Tag("kind", "training"));
            }
            pipeline.Release(batch);
            task.Advance();
        }
        if (distributed is { } dd)
        {
            var total = new[] { sum };
            dd.Mpi.SumInPlace(total);
            sum = total[0] / dd.Mpi.Size;
        }
        return sum / o.BatchesPerEpoch;
    }

    /// <summary>Validation loss (mean −log p of the true class) and metrics on the val split; NaN when it is empty.</summary>
    private static (double Loss, MetricValues Metrics) Validate(PhotoZNetwork model, ShardSet set, Device device,
        TrainOptions o,
        CancellationToken cancel)
    {
        var predictions = Predictor.Predict(model, set, Splits.Val, device, Math.Max(o.BatchSize, 16), 1, o.Workers, cancel).ToList();
        if (predictions.Count == 0) return (double.NaN, MetricValues.Missing);
        double loss = predictions.Average(p => -Math.Log(Math.Max(p.Probabilities[RedshiftGrid.ClassOf(p.ZSpec)], 1e-12)));
        var scored = predictions.Select(p => new ScoredGalaxy("", p.ZSpec, PdfSummary.From(p.Probabilities).Mean, p.Probabilities,
            new Dictionary<string, string>())).ToList();
        return (loss, MetricSet.Compute(scored));
    }

    private static void WriteHistory(string path, List<Dictionary<string, double>> history)
    {
        var keys = history[0].Keys.ToArray();
        var sb = new StringBuilder(string.Join(",", keys)).Append('\n');
        foreach (var row in history)
            sb.Append(string.Join(",", keys.Select(k => row[k].ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
