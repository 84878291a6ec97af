using System.Diagnostics;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Simulation;
using MantisShrimp.Kernels;
using MantisShrimp.Kernels.Input;
using MantisShrimp.Engine.Surveys;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Benchmarks;

public sealed record PipelineBenchmarkOptions
{
    /// <summary>An ingested shard set; null = build a toy one in a temporary folder.</summary>
    public string? Shards { get; init; }
    public int ToySamples { get; init; } = 256;
    /// <summary>Batch of the fused-vs-libtorch comparison (the 256).</summary>
    public int CompareBatch { get; init; } = 256;
    public int FeedBatch { get; init; } = 64;
    public int FeedBatches { get; init; } = 40;
    public int Repeats { get; init; } = 3;
    public int Workers { get; init; } = Environment.ProcessorCount;
    public AcceleratorChoice Accelerator { get; init; } = AcceleratorChoice.Cpu;
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// End-to-end measurements of the input path for <c>mantis bench pipeline</c>. Every ratio compares two
/// things measured in the same run (this machine is shared and noisy); each timing is the best of
/// <see cref="PipelineBenchmarkOptions.Repeats"/>.
/// </summary>
public static class PipelineBenchmark
{
    public static Dictionary<string, object> Run(PipelineBenchmarkOptions o, IProgressReporter progress)
    {
        var results = new Dictionary<string, object>();
        var raw = new Dictionary<string, object>();
        using var temp = o.Shards is null ? new TempFolder() : null;
        string shards = o.Shards ?? BuildToyShards(temp!.Path, o, progress);
        using var set = ShardSet.Open(shards);
        string split = set.ForSplit(Splits.Train).Sum(s => s.Count) > 0 ? Splits.Train : set.Shards.First(s => s.Count > 0).Info.Split;
        raw["machine"] = $"{Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}";
        raw["workers"] = o.Workers;
        raw["torch_threads"] = torch.get_num_threads();

        // 1. memcpy bandwidth (same thread count as the loader) and the loader alone.
        progress.Message("memcpy and loader …");
        var loader = MeasureLoader(set, split, o);
        foreach (var (k, v) in loader) raw[k] = v;
        results["loader_vs_memcpy"] = Math.Round((double)loader["loader_gb_per_s"] / (double)loader["memcpy_gb_per_s"], 3);

        // 2. Fused transform vs the libtorch chain on the same batch.
        progress.Message($"fused kernel vs libtorch on a {o.CompareBatch}-sample batch …");
        var compare = CompareFusedWithTorch(set, split, o);
        foreach (var (k, v) in compare) raw[k] = v;
        results["fused_vs_torch"] = Math.Round((double)compare["torch_seconds"] / (double)compare["fused_simd_seconds"], 2);

        // 3. The whole feed, early and late fusion.
        foreach (var fusion in new[] { FusionKind.Early, FusionKind.Late })
        {
            foreach (var backend in new[] { TransformBackend.Simd, TransformBackend.Ilgpu })
            {
                if (backend == TransformBackend.Ilgpu && fusion == FusionKind.Late) continue;
                progress.Message($"feed: {fusion} fusion, {backend} …");
                var feed = MeasureFeed(set, split, fusion, backend, o,
                    backend == TransformBackend.Ilgpu ? Math.Max(4, o.FeedBatches / 8) : o.FeedBatches);
                string tag = $"{fusion.ToString().ToLowerInvariant()}_{backend.ToString().ToLowerInvariant()}";
                foreach (var (k, v) in feed) raw[$"feed_{tag}_{k}"] = v;
                if (backend == TransformBackend.Simd)
                {
                    string key = fusion == FusionKind.Early ? "feed_samples_per_s_early" : "feed_samples_per_s_late";
                    results[key] = feed["samples_per_s"];
                    if (fusion == FusionKind.Early) results["alloc_bytes_per_batch"] = feed["alloc_bytes_per_batch"];
                    double touchedPerS = (double)feed["samples_per_s"] * (long)feed["bytes_touched_per_sample"];
                    raw[$"feed_{tag}_fraction_of_memcpy_bound"] = Math.Round(touchedPerS / ((double)loader["memcpy_gb_per_s"] * 2e9), 3);
                }
            }
        }
        results["raw"] = raw;
        return results;
    }

    private static string BuildToyShards(string dir, PipelineBenchmarkOptions o, IProgressReporter progress)
    {
        progress.Message($"building a toy shard set of {o.ToySamples} sources in {dir} …");
        string catalog = ToyGalaxies.Write(Path.Combine(dir, "data"), o.ToySamples, o.Seed, progress);
        string shards = Path.Combine(dir, "shards");
        Ingest.Run(new IngestOptions(catalog, Path.Combine(dir, "data", "cutouts"), shards) { Chunks = 1, Seed = o.Seed }, progress);
        return shards;
    }

    private static RecordRef[] Draw(ShardSet set, string split, int count, ulong seed)
    {
        var records = new RecordRef[count];
        new ClassBalancedSampler(set, split, seed).Next(records);
        return records;
    }

    private static Dictionary<string, object> MeasureLoader(ShardSet set, string split, PipelineBenchmarkOptions o)
    {
        int stride = BandTable.NativePixelsPerSample;
        int batch = o.FeedBatch;
        var records = Draw(set, split, batch, o.Seed);
        var staging = GC.AllocateArray<float>(batch * stride, pinned: true);
        var source = GC.AllocateArray<float>(batch * stride, pinned: true);
        new Random(1).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(source.AsSpan()));
        using var crew = new WorkCrew(o.Workers - 1, "bench");
        Action<int, int> memcpy = (i, _) => source.AsSpan(i * stride, stride).CopyTo(staging.AsSpan(i * stride, stride));
        Action<int, int> gather = (i, _) => set.Shards[records[i].Shard].Pixels(records[i].Slot).CopyTo(staging.AsSpan(i * stride, stride));
        crew.Run(batch, memcpy);
        crew.Run(batch, gather); // warm: page in the mapped records
        double bytes = (double)batch * stride * sizeof(float);
        double tMem = Best(o.Repeats * 3, () => crew.Run(batch, memcpy));
        double tGather = Best(o.Repeats * 3, () => crew.Run(batch, gather));
        return new()
        {
            ["memcpy_gb_per_s"] = Math.Round(bytes / tMem / 1e9, 3),
            ["loader_gb_per_s"] = Math.Round(bytes / tGather / 1e9, 3),
            ["loader_bytes_per_batch"] = (long)bytes,
        };
    }

    private static Dictionary<string, object> CompareFusedWithTorch(ShardSet set, string split, PipelineBenchmarkOptions o)
    {
        int b = o.CompareBatch, stride = BandTable.NativePixelsPerSample;
        var records = Draw(set, split, b, o.Seed + 1);
        var raw = new float[b * stride];
        for (int i = 0; i < b; i++) set.Shards[records[i].Shard].Pixels(records[i].Slot).CopyTo(raw.AsSpan(i * stride, stride));
        var aug = new SampleAugment[b];
        AugmentPolicy.Training(o.Seed).Fill(0, b, aug);
        var layout = InputLayouts.Create(FusionKind.Early, b);
        var output = new float[layout.OutputLength];
        var cpu = new FusedInputCpu(layout);
        double tFused = Best(o.Repeats, () => cpu.Run(raw, b, aug, output));

        using var rawTensor = torch.tensor(raw, [b, stride]);
        double tTorch = Best(o.Repeats, () =>
        {
            using var scope = NewDisposeScope();
            TorchInputChain.EarlyFusion(rawTensor, aug);
        });

        // The ILGPU kernel on the CPU accelerator, on a quarter of the batch (it is the slow CPU path; see docs).
        int kb = Math.Max(1, b / 4);
        using var host = new AcceleratorHost(o.Accelerator);
        var kLayout = InputLayouts.Create(FusionKind.Early, kb);
        var kOut = new float[kLayout.OutputLength];
        FusedInputKernel.Run(host, kLayout, raw, kb, aug, kOut); // compile
        double tKernel = Best(Math.Min(2, o.Repeats), () => FusedInputKernel.Run(host, kLayout, raw, kb, aug, kOut)) * b / kb;

        long pixels = (long)b * layout.PixelsPerSample;
        return new()
        {
            ["compare_batch"] = b,
            ["fused_simd_seconds"] = Math.Round(tFused, 5),
            ["torch_seconds"] = Math.Round(tTorch, 5),
            ["ilgpu_kernel_seconds_scaled_to_batch"] = Math.Round(tKernel, 5),
            ["ilgpu_accelerator"] = host.Accelerator.AcceleratorType.ToString(),
            ["fused_simd_samples_per_s"] = Math.Round(b / tFused, 1),
            ["torch_samples_per_s"] = Math.Round(b / tTorch, 1),
            ["ilgpu_kernel_samples_per_s"] = Math.Round(b / tKernel, 1),
            ["fused_simd_ns_per_output_pixel"] = Math.Round(tFused / pixels * 1e9, 3),
            ["ilgpu_vs_simd"] = Math.Round(tKernel / tFused, 2),
        };
    }

    private static Dictionary<string, object> MeasureFeed(ShardSet set, string split, FusionKind fusion, TransformBackend backend,
        PipelineBenchmarkOptions o, int batches)
    {
        var options = new PipelineOptions { Fusion = fusion, BatchSize = o.FeedBatch, Workers = o.Workers, Backend = backend, Accelerator =
            o.Accelerator };
        using var pipeline = new InputPipeline(set, new ClassBalancedSampler(set, split, o.Seed), AugmentPolicy.Training(o.Seed), options);
        for (int i = 0; i < 3; i++) { var w = pipeline.Next()!; pipeline.Release(w); }
        double gather0 = pipeline.GatherSeconds, transform0 = pipeline.TransformSeconds;
        long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        long rows = 0;
        for (int i = 0; i < batches; i++)
        {
            var batch = pipeline.Next()!;
            rows += batch.Count;
            pipeline.Release(batch);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long alloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        var layout = pipeline.Layout;
        long rawBytes = (long)layout.RawSampleStride * sizeof(float);
        long outBytes = (long)layout.PixelsPerSample * sizeof(float);
        return new()
        {
            ["samples_per_s"] = Math.Round(rows / seconds, 1),
            ["batches"] = batches,
            ["batch_size"] = o.FeedBatch,
            ["gather_seconds"] = Math.Round(pipeline.GatherSeconds - gather0, 4),
            ["transform_seconds"] = Math.Round(pipeline.TransformSeconds - transform0, 4),
            ["ns_per_output_pixel"] = Math.Round((pipeline.TransformSeconds - transform0) / (rows * (double)layout.PixelsPerSample) * 1e9,
                3),
            // gather: read mapped record + write staging; transform: read staging + write network input.
            ["bytes_touched_per_sample"] = 3 * rawBytes + outBytes,
            ["alloc_bytes_per_batch"] = alloc / batches,
        };
    }

    private static double Best(int repeats, Action action)
    {
        double best = double.MaxValue;
        for (int i = 0; i < Math.Max(1, repeats); i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    private sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mantis-bench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose()
        {
            try { Directory.Delete(Path, true); } catch (IOException) { }
        }
    }
}
