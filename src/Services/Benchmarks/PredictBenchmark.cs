using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Cutouts;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Forced;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;
using TorchSharp;

namespace MantisShrimp.Engine.Benchmarks;

public sealed record PredictBenchmarkOptions(string Model, string Shards, string Cutouts, string Dust)
{
    public string Split { get; init; } = Splits.Test;
    /// <summary>Galaxies: the first of the split, in shard order.</summary>
    public int Count { get; init; } = 1024;
    /// <summary>libtorch threads for all three paths; input threads for score and predict.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int BatchSize { get; init; } = 32;
    /// <summary>predict's FITS decoders (0: the pipeline's default, as many as <see cref="Threads"/>).</summary>
    public int Decoders { get; init; }
    /// <summary>Rounds; each figure is the best round (the machine is shared). The three paths alternate within a round.</summary>
    public int Repeats { get; init; } = 3;
    /// <summary>The plain-Python peer (bench/predict_peer.py) and its interpreter; null: not run.</summary>
    public string? PeerScript { get; init; } = "bench/predict_peer.py";
    public string Python { get; init; } = "/usr/bin/python3";
}

/// <summary>
/// <c>mantis bench predict</c>: on the same galaxies and model, in one run, galaxies/s of <c>score</c> from shards,
/// <c>predict --positions --no-snr</c> (score's columns) and <c>predict --positions</c> (with snr_r, its default) from the
/// cutout folder (index built before timing, files in the page cache) and a plain
/// Python script from the same FITS files (bench/predict_peer.py), with the ratios predict/score and predict/python and
/// how far their PDFs are apart (max |Δp|; the same preprocessing, so they should agree to float rounding).
/// </summary>
public static class PredictBenchmark
{
    // Long: one run's paths alternate within each round over the same model, index, galaxies and temporary folder.
    public static Dictionary<string, object?> Run(PredictBenchmarkOptions o, IProgressReporter? progress = null)
    {
        progress ??= NullProgress.Instance;
        var device = torch.CPU;
        var (_, model) = Checkpoint.Load(o.Model);
        model.eval();
        using var set = ShardSet.Open(o.Shards);
        var all = SequentialSampler.Records(set, o.Split);
        var records = all.Take(o.Count).ToArray();
        if (records.Length == 0) throw new UserInputException($"{o.Shards}: the {o.Split} split is empty");
        var positions = records.Select(r => new NamedPosition(set.Shards[r.Shard].Ids[r.Slot], set.Shards[r.Shard].Header(r.Slot).Ra,
            set.Shards[r.Shard].Header(r.Slot).Dec)).ToArray();
        string tmp = Path.Combine(Path.GetTempPath(), $"mantis-bench-predict-{Environment.ProcessId}");
        Directory.CreateDirectory(tmp);
        try
        {
            var index = Stopwatch.StartNew();
            var source = new LocalCutoutSource(o.Cutouts, Path.Combine(tmp, "index.tsv"), progress);
            double indexSeconds = index.Elapsed.TotalSeconds;
            // The page cache warm for every path: each reads the files once untimed.
            foreach (var p in positions)
                foreach (var file in source.FilesAsync(new SkyPosition(p.Ra, p.Dec), p.Name,
                    default).GetAwaiter().GetResult().Values) File.ReadAllBytes(file);
            using var service = new ForcedPhotoZ(model, device, source, DustSource.FromMaps(o.Dust));
            string? weights = null, peerPositions = null;
            if (o.PeerScript is not null)
            {
                if (!File.Exists(o.PeerScript)) throw new UserInputException($"{o.PeerScript}: the Python peer is not there (run from " +
                    $"the repository root, or --peer PATH)");
                weights = Path.Combine(tmp, "weights.pth");
                PyTorchWeights.Write(model, weights);
                peerPositions = Path.Combine(tmp, "positions.csv");
                AtomicFile.WriteAllText(peerPositions, "name,ebv_csfd,ebv_planck\n" + string.Concat(positions.Select(p =>
                {
                    var (c, pl) = service.Dust.At(p.Ra, p.Dec); // the E(B−V) predict uses, given to the peer (its dust look-up untimed)
                    return string.Create(CultureInfo.InvariantCulture, $"{p.Name},{c:R},{pl:R}\n");
                })));
            }

            double scoreBest = double.MaxValue, predictBest = double.MaxValue, predictSnrBest = double.MaxValue,
                pythonBest = double.MaxValue;
            float[][] scored = [], predicted = [];
            float[]? peer = null;
            int failed = 0;
            using var task = progress.Start("bench predict (rounds)", o.Repeats);
            for (int round = 0; round < Math.Max(1, o.Repeats); round++)
            {
                var watch = Stopwatch.StartNew();
                scored = TorchWithThreads(o.Threads, () => Predictor.Predict(model, set, records, device, o.BatchSize, 1, o.Threads)
                    .Select(p => p.Probabilities).ToArray());
                scoreBest = Math.Min(scoreBest, watch.Elapsed.TotalSeconds);

                // predict as score: the same columns (no S/N; score reads the one ingest measured), then predict's default (snr_r).
                foreach (bool snr in new[] { false, true })
                {
                    var got = new float[positions.Length][];
                    failed = 0;
                    watch.Restart();
                    ForcedPipeline.Run(service, positions, Enumerable.Range(0, positions.Length).ToArray(),
                        new ForcedPipelineOptions
                        {
                            Threads = o.Threads, BatchSize = o.BatchSize, SignalToNoise = snr, Decoders = o.Decoders,
                        },
                        item => { if (item.Result is { } r) got[item.Index] = r.Probabilities; else failed++; });
                    if (snr) predictSnrBest = Math.Min(predictSnrBest, watch.Elapsed.TotalSeconds);
                    else predictBest = Math.Min(predictBest, watch.Elapsed.TotalSeconds);
                    predicted = got;
                }

                if (o.PeerScript is not null)
                {
                    var (seconds, pdfs) = RunPeer(o, model.Config, weights!, peerPositions!, Path.Combine(tmp, "peer.f32"));
                    pythonBest = Math.Min(pythonBest, seconds);
                    peer = pdfs;
                }
                task.Advance();
            }

            int n = positions.Length, classes = model.Config.Classes;
            double maxScore = 0, maxPeer = 0;
            for (int i = 0; i < n; i++)
            {
                if (predicted[i] is not { } p) continue;
                for (int k = 0; k < classes; k++)
                {
                    maxScore = Math.Max(maxScore, Math.Abs(p[k] - scored[i][k]));
                    if (peer is not null) maxPeer = Math.Max(maxPeer, Math.Abs(p[k] - peer[i * classes + k]));
                }
            }
            double scoreRate = n / scoreBest, predictRate = (n - failed) / predictBest, predictSnrRate = (n - failed) / predictSnrBest;
            var result = new Dictionary<string, object?>
            {
                ["model"] = Path.GetFullPath(o.Model), ["backbone"] = model.Config.Backbone, ["galaxies"] = n, ["threads"] = o.Threads,
                ["batch_size"] = o.BatchSize, ["decoders"] = o.Decoders,
                ["rounds"] = o.Repeats, ["index_seconds"] = indexSeconds, ["index_files"] = source.Files,
                ["score_galaxies_per_s"] = scoreRate,
                ["predict_galaxies_per_s"] = predictRate,
                ["predict_failed"] = failed,
                ["predict_over_score"] = predictRate / scoreRate,
                ["predict_snr_r_galaxies_per_s"] = predictSnrRate,
                ["predict_snr_r_over_score"] = predictSnrRate / scoreRate,
                ["max_abs_dp_predict_vs_score"] = maxScore,
            };
            if (o.PeerScript is not null)
            {
                double pythonRate = n / pythonBest;
                result["python_galaxies_per_s"] = pythonRate;
                result["predict_over_python"] = predictRate / pythonRate;
                result["max_abs_dp_predict_vs_python"] = maxPeer;
            }
            return result;
        }
        finally
        {
            model.Dispose();
            try { Directory.Delete(tmp, true); } catch (IOException) { }
        }
    }

    private static T TorchWithThreads<T>(int threads, Func<T> body) => Compute.TorchDevice.WithThreads(threads, body);

    private static (double Seconds, float[] Pdfs) RunPeer(PredictBenchmarkOptions o, NetworkConfig config, string weights, string positions,
        string output)
    {
        var spec = ConvNeXtSpec.Parse(config.Backbone);
        var peerSpec = new Dictionary<string, object>
        {
            ["arch"] = config.Arch.Spelling(), ["dims"] = spec.Dims, ["depths"] = spec.Depths, ["conv_mlp"] = spec.ConvMlp,
            ["channels"] = BandSets.Channels(config.Bands), ["head_width"] = config.HeadWidth, ["classes"] = config.Classes,
            ["weights"] = weights, ["cutouts"] = Path.GetFullPath(o.Cutouts), ["positions"] = positions, ["batch"] = o.BatchSize,
            ["threads"] = o.Threads, ["out"] = output,
        };
        if (config.Arch != NetworkArch.Early) throw new UserInputException($"bench predict: the Python peer builds early-fusion inputs " +
            $"only (the model is {config.Arch.Spelling()})");
        string specPath = Path.ChangeExtension(output, ".json");
        AtomicFile.WriteAllText(specPath, JsonSerializer.Serialize(peerSpec));
        var start = new ProcessStartInfo(o.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(o.PeerScript!);
        start.ArgumentList.Add(specPath);
        using var process = Process.Start(start) ?? throw new UserInputException($"{o.Python} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new UserInputException($"{o.PeerScript} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
        using var doc = JsonDocument.Parse(stdout);
        double seconds = doc.RootElement.GetProperty("seconds").GetDouble();
        var bytes = File.ReadAllBytes(output);
        var pdfs = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, pdfs, 0, bytes.Length);
        return (seconds, pdfs);
    }
}
