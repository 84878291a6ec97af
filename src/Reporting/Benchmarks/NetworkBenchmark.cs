using System.Diagnostics;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Benchmarks;

public sealed record NetworkBenchmarkOptions
{
    public string Arch { get; init; } = "early";
    public string Backbone { get; init; } = ConvNeXtSpec.Atto.Name;
    public int BatchSize { get; init; } = 16;
    public int Steps { get; init; } = 8;
    public string Device { get; init; } = "auto";
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// <c>mantis bench network</c>: the network alone — training steps (forward, cross-entropy, backward, NAdam) and
/// inference calls (inference mode, softmax) per second on random inputs of the real shapes, so the input pipeline's
/// figures (bench pipeline) can be set against what the network consumes. Best of 3 timed rounds after a warm-up.
/// </summary>
public static class NetworkBenchmark
{
    public static Dictionary<string, object> Run(NetworkBenchmarkOptions o)
    {
        var device = TorchDevice.Resolve(o.Device);
        random.manual_seed((long)(o.Seed & 0x3FFFFFFF));
        var config = new NetworkConfig { Arch = EnumSpelling<NetworkArch>.Parse(o.Arch, "--arch"), Backbone =
            ConvNeXtSpec.Parse(o.Backbone).Name };
        using var model = PhotoZNetwork.Create(config, o.Seed);
        model.to(device);
        var layout = InputLayouts.Create(config.Fusion, o.BatchSize);
        var inputs = layout.Segments.Select(s =>
            randn(o.BatchSize, s.Channels, s.Height, s.Width, device: device).DetachFromDisposeScope()).ToArray();
        var ebv = rand(o.BatchSize, 2, device: device).DetachFromDisposeScope();
        var classes = randint(0, RedshiftGrid.Classes, [o.BatchSize], device: device).DetachFromDisposeScope();
        using var optimizer = optim.NAdam(model.parameters(), 1e-4);
        void Train()
        {
            using var scope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(model.call(inputs, ebv), classes);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            loss.item<float>();
        }
        void Infer()
        {
            using var _ = inference_mode();
            using var scope = NewDisposeScope();
            nn.functional.softmax(model.call(inputs, ebv), 1).cpu();
        }
        model.train();
        Train();
        double train = Best(() => { for (int i = 0; i < o.Steps; i++) Train(); });
        model.eval();
        Infer();
        double infer = Best(() => { for (int i = 0; i < o.Steps; i++) Infer(); });
        return new Dictionary<string, object>
        {
            ["train_samples_per_s"] = o.Steps * o.BatchSize / train,
            ["inference_samples_per_s"] = o.Steps * o.BatchSize / infer,
            ["arch"] = config.Arch.Spelling(), ["backbone"] = config.Backbone, ["batch_size"] = o.BatchSize,
            ["parameters"] = model.parameters().Sum(p => p.numel()),
            ["device"] = device.type.ToString(), ["torch_threads"] = torch.get_num_threads(),
            ["input_shapes"] = layout.Segments.Select(s => $"{s.Channels}x{s.Height}x{s.Width}").ToArray(),
        };
    }

    private static double Best(Action action)
    {
        double best = double.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
