using System.CommandLine;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Simulation;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Engine.Training;

namespace MantisShrimp.Host.Commands;

/// <summary>
/// The README's first command: simulate the mock universe → ingest → train a small early-fusion network on
/// the CPU → score the test split → evaluate (DIR/metrics.json and plots). Every step resumes or is a no-op
/// when its output is complete, so re-running is cheap.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CommandContext ctx)
    {
        var output = SharedOptions.Out("Working folder.", "demo");
        var count = new Option<int>("--count") { Description = "Number of simulated galaxies.", DefaultValueFactory =
            _ => 8000 }.AtLeast(1);
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var seed = SharedOptions.Seed();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("demo", "Run everything on the embedded default data: simulate → ingest → train → score → evaluate.")
        {
            output, count, epochs, seed, quiet,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            string dir = r.GetValue(output)!;
            ulong s = r.GetValue(seed);
            var progress = ctx.Progress(r.GetValue(quiet));
            string data = Path.Combine(dir, "data"), shards = Path.Combine(dir, "shards"), run = Path.Combine(dir, "run");

            ctx.Error.WriteLine($"[1/5] simulating {r.GetValue(count)} galaxies …");
            string catalog = MockUniverse.Simulate(new SimulationOptions(r.GetValue(count), s, data), progress, cancel);
            ctx.Error.WriteLine("[2/5] ingesting …");
            var ingest = Ingest.Run(new IngestOptions(catalog, Path.Combine(data, "cutouts"), shards) { Seed = s }, progress, cancel);
            var c = ingest.Manifest.Counts;
            ctx.Out.WriteLine($"shards: train {c.Train}, val {c.Val}, test {c.Test}, rejected {c.Rejected}");

            // A small network so the CPU demo fits in minutes: ConvNeXt widths 16–128 (the paper's are 40–1536).
            ctx.Error.WriteLine("[3/5] training a small early-fusion ConvNeXt on the CPU …");
            var state = Trainer.Run(new TrainOptions
            {
                Data = shards, Out = run,
                Network = new NetworkConfig { Arch = NetworkArch.Early, Backbone = ConvNeXtSpec.Demo.Name, Bands = BandSet.All, HeadWidth =
                    256, DropPath = 0.05 },
                Epochs = r.GetValue(epochs), BatchesPerEpoch = 100, BatchSize = 32, LearningRate = 1e-3, WeightDecay = 1e-5, Seed = s,
                    Device = "cpu",
            }, progress, cancel);

            ctx.Error.WriteLine("[4/5] scoring the test split …");
            string scores = Path.Combine(dir, "scores.csv");
            Scorer.Run(new ScoreOptions(Path.Combine(run, Trainer.BestCheckpoint), shards, Splits.Test, scores) { WritePdf = true, Device =
                "cpu", SnrBands = [Band.r] }, progress, cancel);

            ctx.Error.WriteLine("[5/5] evaluating …");
            var metrics = Evaluator.Run(new EvaluateOptions(scores, dir) { Bootstrap = 1000, Seed = s }, progress);
            ctx.Out.WriteLine($"best epoch {state.BestEpoch} of {state.Epoch}; test-split metrics ({dir}/metrics.json, plots in {dir}/):");
            ctx.Out.WriteLine(EvaluateCommand.MetricsTable(metrics));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
