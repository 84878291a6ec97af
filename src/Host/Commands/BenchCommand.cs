using System.CommandLine;
using MantisShrimp.Engine.Benchmarks;
using MantisShrimp.Kernels;

namespace MantisShrimp.Host.Commands;

internal static class BenchCommand
{
    public static Command Create(CommandContext ctx)
    {
        var bench = new Command("bench", "End-to-end performance measurements (BenchmarkDotNet micro-benchmarks live in bench/).");
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var shards = new Option<string?>("--shards") { Description = "Shard set to read (default: a toy set built in a temporary folder)." };
        var count = new Option<int>("--count") { Description = "Galaxies in the toy set.", DefaultValueFactory = _ => 256 }.AtLeast(1).FormerlyNamed("--samples");
        var batches = new Option<int>("--batches") { Description = "Batches per feed measurement.", DefaultValueFactory = _ => 40 }.AtLeast(1);
        var batchSize = new Option<int>("--batch-size") { Description = "Feed batch size.", DefaultValueFactory = _ => 64 }.AtLeast(1);
        var threads = SharedOptions.Threads("Threads preparing batches").FormerlyNamed("--workers");
        var accelerator = SharedOptions.Accelerator("the kernel and feed measurements");
        var quiet = SharedOptions.Quiet();
        var compare = new Option<int>("--compare-samples") { Description = "Batch of the fused-vs-libtorch comparison (its libtorch side is slow: 256 ≈ 49 s).", DefaultValueFactory = _ => 256 }.AtLeast(1);
        var runs = BenchOutput.RunsOption();
        var pipeline = new Command("pipeline", "Input path: fused kernel vs libtorch, loader vs memcpy, whole-feed samples/s (early and late fusion), allocations per batch.")
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

        var floats = new Option<long[]>("--floats") { Description = "Buffer sizes in floats (the defaults: ConvNeXt-atto's 3.7 M and ConvNeXt-L's 200 M parameters).", DefaultValueFactory = _ => [3_700_000, 200_000_000], AllowMultipleArgumentsPerToken = true };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions (best kept).", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var json2 = new Option<string?>("--json") { Description = "Write the results as JSON to this file (rank 0)." };
        var allreduce = new Command("allreduce", "Under mpiexec -n N: float32 sum-Allreduce time and bandwidth for gradient-sized buffers, in the training's bucket size.")
        {
            floats, repeats, json2, runs,
        };
        allreduce.SetAction(r => ctx.Guard(_ =>
        {
            BenchOutput.Run(ctx, r.GetValue(runs),
                () => AllreduceBenchmark.Run(MantisShrimp.Engine.Distributed.MpiSession.Current, r.GetValue(floats)!, r.GetValue(repeats)), r.GetValue(json2));
            return ExitCodes.Ok;
        }));
        bench.Subcommands.Add(allreduce);

        var arch = new Option<string>("--arch") { Description = "early or late fusion.", DefaultValueFactory = _ => "early" }.OneOf("early", "late");
        var backbone = new Option<string>("--backbone") { Description = "ConvNeXt size.", DefaultValueFactory = _ => "convnext-atto" };
        var netBatch = new Option<int>("--batch-size") { Description = "Batch size (paper: 16).", DefaultValueFactory = _ => 16 }.AtLeast(1);
        var batches2 = new Option<int>("--batches") { Description = "Batches (training or inference steps) per timed round (best of 3).", DefaultValueFactory = _ => 8 }.AtLeast(1).FormerlyNamed("--steps");
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
        return bench;
    }
}
