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
        var samples = new Option<int>("--samples") { Description = "Sources in the toy set.", DefaultValueFactory = _ => 256 };
        var batches = new Option<int>("--batches") { Description = "Batches per feed measurement.", DefaultValueFactory = _ => 40 };
        var batchSize = new Option<int>("--batch-size") { Description = "Feed batch size.", DefaultValueFactory = _ => 64 };
        var workers = new Option<int>("--workers") { Description = "Threads preparing batches.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var accelerator = new Option<string>("--accelerator") { Description = "ILGPU accelerator for the kernel measurements: cpu or cuda.", DefaultValueFactory = _ => "cpu" }
            .AcceptOnlyFromAmong("cpu", "cuda");
        var quiet = SharedOptions.Quiet();
        var compare = new Option<int>("--compare-samples") { Description = "Batch of the fused-vs-libtorch comparison (its libtorch side is slow: 256 ≈ 49 s).", DefaultValueFactory = _ => 256 };
        var runs = BenchOutput.RunsOption();
        var pipeline = new Command("pipeline", "Input path: fused kernel vs libtorch, loader vs memcpy, whole-feed samples/s (early and late fusion), allocations per batch.")
        {
            json, shards, samples, batches, batchSize, workers, accelerator, compare, runs, quiet,
        };
        pipeline.SetAction(r => ctx.Guard(_ =>
        {
            var options = new PipelineBenchmarkOptions
            {
                Shards = r.GetValue(shards),
                ToySamples = r.GetValue(samples),
                FeedBatches = Math.Max(1, r.GetValue(batches)),
                FeedBatch = Math.Max(1, r.GetValue(batchSize)),
                Workers = Math.Max(1, r.GetValue(workers)),
                Accelerator = r.GetValue(accelerator) == "cuda" ? AcceleratorChoice.Cuda : AcceleratorChoice.Cpu,
                CompareBatch = Math.Max(1, r.GetValue(compare)),
            };
            BenchOutput.Run(ctx, r.GetValue(runs), () => PipelineBenchmark.Run(options, ctx.Progress(r.GetValue(quiet))), r.GetValue(json));
            return ExitCodes.Ok;
        }));
        bench.Subcommands.Add(pipeline);
        bench.Subcommands.Add(BenchShapleyCommand.Create(ctx));

        var floats = new Option<long[]>("--floats") { Description = "Buffer sizes in floats (default: ConvNeXt-atto 3.7 M and ConvNeXt-L 200 M parameters).", DefaultValueFactory = _ => [3_700_000, 200_000_000], AllowMultipleArgumentsPerToken = true };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions (best kept).", DefaultValueFactory = _ => 5 };
        var json2 = new Option<string?>("--json") { Description = "Write the results as JSON to this file (rank 0)." };
        var allreduce = new Command("allreduce", "Under mpiexec -n N: float32 sum-Allreduce time and bandwidth for gradient-sized buffers, in the training's bucket size.")
        {
            floats, repeats, json2, runs,
        };
        allreduce.SetAction(r => ctx.Guard(_ =>
        {
            BenchOutput.Run(ctx, r.GetValue(runs),
                () => AllreduceBenchmark.Run(MantisShrimp.Engine.Distributed.MpiSession.Current, r.GetValue(floats)!, Math.Max(1, r.GetValue(repeats))), r.GetValue(json2));
            return ExitCodes.Ok;
        }));
        bench.Subcommands.Add(allreduce);

        var arch = new Option<string>("--arch") { Description = "early or late fusion.", DefaultValueFactory = _ => "early" }.AcceptOnlyFromAmong("early", "late");
        var backbone = new Option<string>("--backbone") { Description = "ConvNeXt size.", DefaultValueFactory = _ => "convnext-atto" };
        var netBatch = new Option<int>("--batch-size") { Description = "Batch size (paper: 16).", DefaultValueFactory = _ => 16 };
        var steps = new Option<int>("--steps") { Description = "Steps per timed round (best of 3).", DefaultValueFactory = _ => 8 };
        var json3 = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var device = SharedOptions.Device();
        var network = new Command("network", "The network alone: training and inference samples/s on random inputs of the real shapes.")
        {
            arch, backbone, netBatch, steps, json3, device, runs,
        };
        network.SetAction(r => ctx.Guard(_ =>
        {
            BenchOutput.Run(ctx, r.GetValue(runs), () => NetworkBenchmark.Run(new NetworkBenchmarkOptions
            {
                Arch = r.GetValue(arch)!, Backbone = r.GetValue(backbone)!, BatchSize = Math.Max(1, r.GetValue(netBatch)),
                Steps = Math.Max(1, r.GetValue(steps)), Device = r.GetValue(device)!,
            }), r.GetValue(json3));
            return ExitCodes.Ok;
        }));
        bench.Subcommands.Add(network);
        return bench;
    }
}
