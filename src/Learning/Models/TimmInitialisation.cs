using MantisShrimp.Engine.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// Starting weights drawn from the engine's own seeded streams, never from libtorch's process-wide generator:
/// ConvNeXt backbones as timm's <c>convnext.py</c> initialises them (<c>_init_weights</c>: every Conv2d and Linear
/// weight trunc_normal_(std = 0.02), biases zero, Linear layers under <c>head.</c> scaled by <c>head_init_scale</c>;
/// layer scale gamma = <c>ls_init_value</c> 1e-6 and LayerNorms (1, 0) as constructed), and the paper's fusion head as
/// PyTorch initialises a plain <c>nn.Linear</c> (the reference's <c>fc0</c>, <c>fc1</c> sit outside the timm model).
/// Parameter k of a module draws from <see cref="SplitMix64.ForStream"/>(seed, k), so the values do not depend on the
/// libtorch version, thread count or anything else that used the global generator.
/// </summary>
public static class TimmInitialisation
{
    /// <summary>timm convnext.py <c>_init_weights</c>: <c>trunc_normal_(module.weight, std=.02)</c>.</summary>
    public const double WeightStd = 0.02;

    /// <summary>timm's <c>trunc_normal_</c> defaults a = −2, b = 2: absolute bounds (100 σ at std 0.02), not ±2σ.</summary>
    public const double TruncationBound = 2.0;

    /// <summary>timm <c>ConvNeXt(head_init_scale=1.)</c>: the factor on head Linear weights and biases.</summary>
    public const double HeadInitScale = 1.0;

    /// <summary>timm's ConvNeXt initialisation of every Conv2d and Linear in <paramref name="backbone"/>.</summary>
    public static void ConvNeXt(Module backbone, ulong seed)
    {
        using var _ = no_grad();
        ulong k = 0;
        foreach (var (name, module) in backbone.named_modules())
        {
            var (weight, bias) = WeightAndBias(module);
            if (weight is null) continue;
            double scale = name.StartsWith("head.", StringComparison.Ordinal) && module is Linear ? HeadInitScale : 1.0;
            Fill(weight, TruncatedNormal(weight.numel(), WeightStd * scale, TruncationBound * scale, SplitMix64.ForStream(seed, k++)));
            bias?.zero_();
        }
    }

    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c> (kaiming_uniform_ with a = √5 for the weight, then the bias): both
    /// U(−1/√fan_in, 1/√fan_in).
    /// </summary>
    public static void PyTorchLinear(Module head, ulong seed)
    {
        using var _ = no_grad();
        ulong k = 0;
        foreach (var (_, module) in head.named_modules())
        {
            if (module is not Linear linear) continue;
            double bound = 1 / Math.Sqrt(linear.weight!.shape[1]);
            var rng = SplitMix64.ForStream(seed, k++);
            Fill(linear.weight, Uniform(linear.weight.numel(), bound, ref rng));
            if (linear.bias is not null) Fill(linear.bias, Uniform(linear.bias.numel(), bound, ref rng));
        }
    }

    private static (Tensor? Weight, Tensor? Bias) WeightAndBias(Module module) => module switch
    {
        Conv2d c => (c.weight, c.bias),
        Linear l => (l.weight, l.bias),
        _ => (null, null),
    };

    /// <summary>N(0, std²) restricted to [−bound, bound] by rejection (timm draws the same law by inverse CDF).</summary>
    public static float[] TruncatedNormal(long count, double std, double bound, SplitMix64 rng)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            double x;
            do x = std * Ziggurat.Next(ref rng); while (Math.Abs(x) > bound);
            values[i] = (float)x;
        }
        return values;
    }

    private static float[] Uniform(long count, double bound, ref SplitMix64 rng)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)((2 * rng.NextDouble() - 1) * bound);
        return values;
    }

    private static void Fill(Tensor parameter, float[] values)
    {
        using var source = tensor(values, parameter.shape, dtype: ScalarType.Float32);
        parameter.copy_(source);
    }
}
