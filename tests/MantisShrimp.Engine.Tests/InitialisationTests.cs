using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Models;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Tests;

/// <summary>Starting weights against timm's convnext.py <c>_init_weights</c> and PyTorch's nn.Linear default, analytically.</summary>
public class InitialisationTests
{
    private static Dictionary<string, float[]> Weights(PhotoZNetwork net) =>
        net.state_dict().Where(kv => kv.Value.dtype == ScalarType.Float32)
            .ToDictionary(kv => kv.Key, kv => kv.Value.data<float>().ToArray());

    private static double Std(IEnumerable<float> v)
    {
        var a = v.Select(x => (double)x).ToArray();
        double m = a.Average();
        return Math.Sqrt(a.Sum(x => (x - m) * (x - m)) / (a.Length - 1));
    }

    [Fact]
    public void Truncated_normal_has_the_analytic_standard_deviation()
    {
        // N(0, 1) cut at ±2: std = √(1 − 2·2·φ(2)/(Φ(2) − Φ(−2))) = 0.879626 (the constant timm's variance scaling divides by).
        var v = TimmInitialisation.TruncatedNormal(400_000, 1.0, 2.0, SplitMix64.ForStream(1, 0));
        Assert.All(v, x => Assert.InRange(x, -2f, 2f));
        Assert.InRange(Std(v), 0.879626 * 0.995, 0.879626 * 1.005);
        Assert.InRange(v.Average(x => (double)x), -0.005, 0.005);
    }

    [Theory]
    [InlineData("early")]
    [InlineData("late")]
    public void Backbones_start_as_timm_and_the_head_as_pytorch(string arch)
    {
        var config = new NetworkConfig { Arch = EnumSpelling<NetworkArch>.Parse(arch, "arch"), Backbone = ConvNeXtSpec.Demo.Name,
            HeadWidth = 64 };
        using var net = PhotoZNetwork.Create(config, initSeed: 7);
        var w = Weights(net);
        var headLinears = w.Keys.Where(k => k.StartsWith("head.", StringComparison.Ordinal) && k.EndsWith(".weight")).ToArray();
        Assert.Equal(2, headLinears.Length);
        var conv = new List<float>();
        foreach (var (key, values) in w)
        {
            if (key.StartsWith("head.", StringComparison.Ordinal)) continue;
            if (key.EndsWith(".gamma")) Assert.All(values, x => Assert.Equal(1e-6f, x));
            else if (key.EndsWith(".bias")) Assert.All(values, x => Assert.Equal(0f, x));
            else if (key.Contains("norm") || key.Contains("stem.1") || key.Contains("downsample.0"))
                Assert.All(values, x => Assert.Equal(1f, x));
            else
            {
                // A Conv2d or Linear weight: trunc_normal_(std 0.02, a = −2, b = 2).
                Assert.All(values, x => Assert.InRange(x, -2f, 2f));
                if (values.Length >= 2000) Assert.InRange(Std(values), 0.02 * 0.93, 0.02 * 1.07);
                conv.AddRange(values);
            }
        }
        Assert.InRange(Std(conv), 0.02 * 0.99, 0.02 * 1.01);
        Assert.InRange(conv.Average(x => (double)x), -0.0005, 0.0005);
        // The paper's head (fc0, fc1 outside the timm model in the reference): PyTorch's U(±1/√fan_in), std = bound/√3.
        var state = net.state_dict();
        foreach (var key in headLinears)
        {
            double bound = 1 / Math.Sqrt(state[key].shape[1]);
            Assert.All(w[key], x => Assert.InRange(x, -bound, bound));
            Assert.InRange(Std(w[key]), bound / Math.Sqrt(3) * 0.97, bound / Math.Sqrt(3) * 1.03);
            Assert.All(w[key[..^".weight".Length] + ".bias"], x => Assert.InRange(x, -bound, bound));
        }
    }

    [Fact]
    public void Initialisation_is_fixed_by_its_seed_alone()
    {
        var config = new NetworkConfig { Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 32 };
        random.manual_seed(1);
        using var a = PhotoZNetwork.Create(config, initSeed: 3);
        random.manual_seed(2); // another state of libtorch's global generator changes nothing
        using var b = PhotoZNetwork.Create(config, initSeed: 3);
        using var c = PhotoZNetwork.Create(config, initSeed: 4);
        var (wa, wb, wc) = (Weights(a), Weights(b), Weights(c));
        foreach (var key in wa.Keys) Assert.Equal(wa[key], wb[key]);
        Assert.NotEqual(wa["backbone.stem.0.weight"], wc["backbone.stem.0.weight"]);
    }
}
