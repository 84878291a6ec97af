using System.CommandLine;
using MantisShrimp.Engine.Benchmarks;
using MantisShrimp.Kernels;

namespace MantisShrimp.Host.Commands;

internal static class BenchCommand
{
    // Long by design: one declaration per option, then a short action (System.CommandLine builder style).
    public static Command Create(CommandContext ctx)
    {
        var bench = new Command("bench", "End-to-end performance measurements (BenchmarkDotNet micro-benchmarks live in bench/).");
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var shards = new Option<string?>("--shards") { Description =
            "Shard set to read (default: a toy set built in a temporary folder)." };
        var count = new Option<int>("--count") { Description = "Galaxies in the toy set.", DefaultValueFactory =
            _ => 256 }.AtLeast(1).FormerlyNamed("--samples");
        var batches = new Option<int>("--batches") { Description = "Batches per feed measurement.", DefaultValueFactory =
            _ => 40 }.AtLeast(1);
        var batchSize = new Option<int>("--batch-size") { Description = "Feed batch size.", DefaultValueFactory = _ => 64 }.AtLeast(1);
        var threads = SharedOptions.Threads("Threads preparing batches").FormerlyNamed("--workers");
        var accelerator = SharedOptions.Accelerator("the kernel and feed measurements");
        var quiet = SharedOptions.Quiet();
        var compare = new Option<int>("--compare-samples") { Description =
            "Batch of the fused-vs-libtorch comparison (its libtorch side is slow: 256 ≈ 49 s).", DefaultValueFactory =
            _ => 256 }.AtLeast(1);
        var runs = BenchOutput.RunsOption();
        var pipeline = new Command("pipeline",
            "Input path: fused kernel vs libtorch, loader vs memcpy, whole-feed samples/s (early and late fusion), allocations per batch.")
        {
            json, shards, count, batches, batchSize, threads, accelerator, compare, runs, quiet,
        };
        pipeline.SetAction(r => ctx.Guard(_ =>
        {
            var options = new PipelineBenchmarkOptions
            {
                Shards = r.GetValue(shards),
                ToySamples = count.Get(r),
                FeedBatches = r.GetValue(batches),
                FeedBatch = r.GetValue(batchSize),
                Workers = SharedOptions.ThreadCount(threads.Get(r)),
                Accelerator = r.GetValue(accelerator) == "cuda" ? AcceleratorChoice.Cuda : AcceleratorChoice.Cpu,
                CompareBatch = r.GetValue(compare),
            };
            BenchOutput.Run(ctx, r.GetValue(runs), () => PipelineBenchmark.Run(options, ctx.Progress(r.GetValue(quiet))), r.GetValue(json));
            return ExitCodes.Ok;
        }));
        bench.Subcommands.Add(pipeline);
        bench.Subcommands.Add(BenchShapleyCommand.Create(ctx));
        bench.Subcommands.Add(BenchPredictCommand.Create(ctx));

        var floats = new Option<long[]>("--floats") { Description =
            "Buffer sizes in floats (the defaults: ConvNeXt-atto's 3.7 M and ConvNeXt-L's 200 M parameters).", DefaultValueFactory =
            _ => [3_700_000, 200_000_000], AllowMultipleArgumentsPerToken = true };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions (best kept).", DefaultValueFactory =
            _ => 5 }.AtLeast(1);
        var json2 = new Option<string?>("--json") { Description = "Write the results as JSON to this file (rank 0)." };
        var allreduce = new Command("allreduce",
            "Under mpiexec -n N: float32 sum-Allreduce time and bandwidth for gradient-sized buffers, in the training's bucket size.")
        {
            floats, repeats, json2, runs,
        };
        allreduce.SetAction(r => ctx.Guard(_ =>
        {
            BenchOutput.Run(ctx, r.GetValue(runs),
                () => AllreduceBenchmark.Run(MantisShrimp.Engine.Distributed.MpiSession.Current, r.GetValue(floats)!, r.GetValue(repeats)),
                    r.GetValue(json2));
            return ExitCodes.Ok;
        }));
        bench.Subcommands.Add(allreduce);

        var arch = new Option<string>("--arch") { Description = "early or late fusion.", DefaultValueFactory = _ => "early" }.OneOf("early",
            "late");
        var backbone = new Option<string>("--backbone") { Description = "ConvNeXt size.", DefaultValueFactory = _ => "convnext-atto" };
        var netBatch = new Option<int>("--batch-size") { Description = "Batch size (paper: 16).", DefaultValueFactory =
            _ => 16 }.AtLeast(1);
        var batches2 = new Option<int>("--batches") { Description = "Batches (training or inference steps) per timed round (best of 3).",
            DefaultValueFactory = _ => 8 }.AtLeast(1).FormerlyNamed("--steps");
        var json3 = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var device = SharedOptions.Device();
        var network = new Command("network", "The network alone: training and inference samples/s on random inputs of the real shapes.")
        {
            arch, backbone, netBatch, batches2, json3, device, runs,
        };
        network.SetAction(r => ctx.Guard(_ =>
        {
            BenchOutput.Run(ctx, r.GetValue(runs), () => NetworkBenchmark.Run(new NetworkBenchmarkOptions
            {
                Arch = r.GetValue(arch)!, Backbone = r.GetValue(backbone)!, BatchSize = r.GetValue(netBatch),
                Steps = batches2.Get(r), Device = r.GetValue(device)!,
            }), r.GetValue(json3));
            return ExitCodes.Ok;
        }));
        bench.Subcommands.Add(network);
        bench.Subcommands.Add(BenchPrecisionCommand.Create(ctx));
        return bench;
    }
}

internal static class BenchPredictCommand
{
    public static Command Create(CommandContext ctx)
    {
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var model = new Option<string>("--model") { Description = "Checkpoint.", DefaultValueFactory = _ => "demo/run/best.ckpt" };
        var data = new Option<string>("--data") { Description = "Shard set (score's input).", DefaultValueFactory = _ => "demo/shards" };
        var cutouts = new Option<string>("--cutouts") { Description =
            "The same galaxies' cutouts in reference naming (predict's and the peer's input).", DefaultValueFactory =
            _ => "demo/data/cutouts" };
        var dust = new Option<string>("--dust") { Description = "Dust maps folder (predict's E(B−V); the peer is given the same values).",
            DefaultValueFactory = _ => "demo/data/dust" };
        var split = new Option<string>("--split") { Description = "Split whose first galaxies are used.", DefaultValueFactory =
            _ => "test" };
        var count = new Option<int>("--count") { Description = "Galaxies.", DefaultValueFactory = _ => 1024 }.AtLeast(1);
        var batchSize = new Option<int>("--batch-size") { Description = "Galaxies per forward pass (all three paths).",
            DefaultValueFactory = _ => 32 }.AtLeast(1);
        var repeats = new Option<int>("--repeats") { Description = "Rounds (the three paths alternate in each; best round kept).",
            DefaultValueFactory = _ => 3 }.AtLeast(1);
        var threads = SharedOptions.Threads("libtorch threads of all three paths, and score's and predict's input threads");
        var peer = new Option<string>("--peer") { Description = "The plain-Python peer script.", DefaultValueFactory =
            _ => "bench/predict_peer.py" };
        var noPeer = new Option<bool>("--no-python") { Description = "Leave the Python peer out." };
        var decoders = new Option<int>("--decoders") { Description = "predict's FITS decoders (0: as many as --threads).",
            DefaultValueFactory = _ => 0 }.AtLeast(0);
        var quiet = SharedOptions.Quiet();
        var runs = BenchOutput.RunsOption();
        var cmd = new Command("predict", "Galaxies/s of score (shards), predict --positions (cutout folder, index warm) and a " +
            "plain-Python script (astropy + PyTorch) on the same galaxies, model and threads; ratios and max |Δp|.")
        {
            json, model, data, cutouts, dust, split, count, batchSize, repeats, threads, peer, noPeer, decoders, quiet, runs,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            BenchOutput.Run(ctx, r.GetValue(runs),
                () => PredictBenchmark.Run(new PredictBenchmarkOptions(r.GetValue(model)!, r.GetValue(data)!, r.GetValue(cutouts)!,
                r.GetValue(dust)!)
            {
                Split = r.GetValue(split)!, Count = r.GetValue(count), BatchSize = r.GetValue(batchSize), Repeats = r.GetValue(repeats),
                Threads = SharedOptions.ThreadCount(r.GetValue(threads)), PeerScript = r.GetValue(noPeer) ? null : r.GetValue(peer),
                Decoders = r.GetValue(decoders),
            }, ctx.Progress(r.GetValue(quiet))), r.GetValue(json));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class BenchPrecisionCommand
{
    public static Command Create(CommandContext ctx)
    {
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var model = new Option<string>("--model") { Description = "Checkpoint.", DefaultValueFactory = _ => "demo/run/best.ckpt" };
        var data = new Option<string>("--data") { Description = "Shard set.", DefaultValueFactory = _ => "demo/shards" };
        var split = new Option<string>("--split") { Description = "Split scored (every galaxy).", DefaultValueFactory = _ => "test" };
        var batchSize = new Option<int>("--batch-size") { Description = "Batch size (score's default).", DefaultValueFactory =
            _ => 32 }.AtLeast(1);
        var threads = SharedOptions.Threads("Threads preparing input batches");
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds per precision, interleaved (best kept).",
            DefaultValueFactory = _ => 3 }.AtLeast(1);
        var device = SharedOptions.Device();
        var runs = BenchOutput.RunsOption();
        var cmd = new Command("precision", "score's path with the backbones in fp32 and in bf16: samples/s of each, the speed-up, and " +
            "PDF agreement (max |Δp|, |Δz_mean|, |Δz_mode|, z_mode bin changes, NMAD and η(0.15) of both).")
        {
            json, model, data, split, batchSize, threads, rounds, device, runs,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            BenchOutput.Run(ctx, r.GetValue(runs),
                () => PrecisionBenchmark.Run(new PrecisionBenchmarkOptions(r.GetValue(model)!, r.GetValue(data)!)
            {
                Split = r.GetValue(split)!, BatchSize = r.GetValue(batchSize), Workers = SharedOptions.ThreadCount(r.GetValue(threads)),
                Rounds = r.GetValue(rounds), Device = r.GetValue(device)!,
            }), r.GetValue(json));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
