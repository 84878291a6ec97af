using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

/// <summary>A ConvNeXt size: widths and depths per stage (Liu et al. 2022; the small variants from timm).</summary>
public sealed record ConvNeXtSpec(string Name, int[] Dims, int[] Depths, bool ConvMlp)
{
    public static readonly ConvNeXtSpec Atto = new("convnext-atto", [40, 80, 160, 320], [2, 2, 6, 2], true);
    public static readonly ConvNeXtSpec Femto = new("convnext-femto", [48, 96, 192, 384], [2, 2, 6, 2], true);
    public static readonly ConvNeXtSpec Pico = new("convnext-pico", [64, 128, 256, 512], [2, 2, 6, 2], true);
    public static readonly ConvNeXtSpec Nano = new("convnext-nano", [80, 160, 320, 640], [2, 2, 8, 2], true);
    public static readonly ConvNeXtSpec Tiny = new("convnext-tiny", [96, 192, 384, 768], [3, 3, 9, 3], false);
    public static readonly ConvNeXtSpec Small = new("convnext-small", [96, 192, 384, 768], [3, 3, 27, 3], false);
    public static readonly ConvNeXtSpec Base = new("convnext-base", [128, 256, 512, 1024], [3, 3, 27, 3], false);
    public static readonly ConvNeXtSpec Large = new("convnext-large", [192, 384, 768, 1536], [3, 3, 27, 3], false);
    /// <summary>Not a published size: a very small network for the CPU demo and tests.</summary>
    public static readonly ConvNeXtSpec Demo = new("convnext-demo", [16, 32, 64, 128], [1, 1, 2, 1], true);

    public static readonly ConvNeXtSpec[] All = [Atto, Femto, Pico, Nano, Tiny, Small, Base, Large, Demo];

    public static ConvNeXtSpec Parse(string name) =>
        All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            || s.Name.Replace("-", "_").Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new Common.UserInputException($"Unknown backbone '{name}' ({string.Join(", ", All.Select(s => s.Name))})");

    public int Features => Dims[^1];
}

/// <summary>LayerNorm over the channel dimension of an NCHW tensor (timm's LayerNorm2d), eps 1e-6.</summary>
public sealed class LayerNorm2d : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long[] _shape;

    public LayerNorm2d(long channels) : base(nameof(LayerNorm2d))
    {
        _shape = [channels];
        weight = Parameter(ones(channels));
        bias = Parameter(zeros(channels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = functional.layer_norm(x.permute(0, 2, 3, 1), _shape, weight, bias, 1e-6).permute(0, 3, 1, 2);
        return y.MoveToOuterDisposeScope();
    }
}

/// <summary>The inverted-bottleneck MLP: fc1 → GELU → fc2 (Linear on channels-last, or 1×1 convolutions when conv_mlp).</summary>
public sealed class ConvNeXtMlp : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> fc1;
    private readonly Module<Tensor, Tensor> act;
    private readonly Module<Tensor, Tensor> fc2;

    public ConvNeXtMlp(long dim, bool conv) : base("Mlp")
    {
        fc1 = conv ? Conv2d(dim, 4 * dim, 1) : Linear(dim, 4 * dim);
        act = GELU();
        fc2 = conv ? Conv2d(4 * dim, dim, 1) : Linear(4 * dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc2.call(act.call(fc1.call(x)));
}

/// <summary>
/// Where a network's stochastic-depth masks draw from: a generator the trainer seeds per epoch, so the masks do not
/// depend on any other user of libtorch's process-wide generator (another job, a test running meanwhile). Null: the
/// global generator.
/// </summary>
public sealed class DropPathRandom
{
    public Generator? Generator { get; set; }

    /// <summary>Draws from <paramref name="generator"/> until the result is disposed, which frees it and returns to the global
    /// generator.</summary>
    public IDisposable Use(Generator generator)
    {
        Generator = generator;
        return new Lease(this, generator);
    }

    private sealed class Lease(DropPathRandom owner, Generator generator) : IDisposable
    {
        public void Dispose()
        {
            owner.Generator = null;
            generator.Dispose();
        }
    }
}

/// <summary>
/// A ConvNeXt block: depthwise 7×7 → LayerNorm → MLP ×4 with GELU → layer scale (gamma) → stochastic depth, plus
/// the residual. Field names are timm's (conv_dw, norm, mlp.fc1, mlp.fc2, gamma).
/// </summary>
public sealed class ConvNeXtBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv_dw;
    private readonly Module<Tensor, Tensor> norm;
    private readonly ConvNeXtMlp mlp;
    private readonly Parameter gamma;
    private readonly double _dropPath;
    private readonly bool _convMlp;
    private readonly DropPathRandom? _random;

    public ConvNeXtBlock(long dim, double dropPath, bool convMlp, DropPathRandom? random = null, double layerScaleInit = 1e-6)
        : base("ConvNeXtBlock")
    {
        _random = random;
        conv_dw = Conv2d(dim, dim, 7, padding: 3, groups: dim);
        norm = convMlp ? new LayerNorm2d(dim) : LayerNorm(dim, 1e-6);
        mlp = new ConvNeXtMlp(dim, convMlp);
        gamma = Parameter(full(dim, layerScaleInit));
        _dropPath = dropPath;
        _convMlp = convMlp;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = conv_dw.call(x);
        if (_convMlp)
        {
            y = mlp.call(norm.call(y)) * gamma.view(1, -1, 1, 1);
        }
        else
        {
            y = y.permute(0, 2, 3, 1);
            y = (mlp.call(norm.call(y)) * gamma).permute(0, 3, 1, 2);
        }
        if (training && _dropPath > 0)
        {
            double keep = 1 - _dropPath;
            var mask = empty([y.shape[0], 1, 1, 1], dtype: y.dtype, device: y.device).bernoulli_(keep, _random?.Generator).div_(keep);
            y = y * mask;
        }
        return (x + y).MoveToOuterDisposeScope();
    }
}

/// <summary>One stage: downsample (LayerNorm2d + 2×2 stride-2 conv; absent in stage 0) and its blocks.</summary>
public sealed class ConvNeXtStage : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> downsample;
    private readonly Sequential blocks;

    public ConvNeXtStage(long inDim, long outDim, int depth, double[] dropPaths, bool convMlp, bool downsampleFirst,
        DropPathRandom? random = null)
        : base("ConvNeXtStage")
    {
        downsample = downsampleFirst ? Sequential(new LayerNorm2d(inDim), Conv2d(inDim, outDim, 2, stride: 2)) : Identity();
        blocks = Sequential(Enumerable.Range(0,
            depth).Select(i => (Module<Tensor, Tensor>)new ConvNeXtBlock(outDim, dropPaths[i], convMlp, random)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => blocks.call(downsample.call(x));
}

/// <summary>Pooling head: global average pool → head.norm (LayerNorm2d) → flatten (timm's NormMlpClassifierHead), optional fc.</summary>
public sealed class ConvNeXtHead : Module<Tensor, Tensor>
{
    private readonly LayerNorm2d norm;
    private readonly Linear? fc;

    public ConvNeXtHead(long dim, int classes) : base("Head")
    {
        norm = new LayerNorm2d(dim);
        if (classes > 0) fc = Linear(dim, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pooled = norm.call(x.mean([2, 3], keepdim: true)).flatten(1);
        return (fc is null ? pooled : fc.call(pooled)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// ConvNeXt (Liu et al. 2022) with timm's module and parameter names: stem.0 (patchify conv), stem.1 (LayerNorm2d),
/// stages.N.downsample.{0,1}, stages.N.blocks.M.{conv_dw, norm, mlp.fc1, mlp.fc2, gamma}, head.norm[, head.fc].
/// The stem patch is 4 (as published) or smaller for tiny inputs (late-fusion GALEX/unWISE at 22×22).
/// </summary>
public sealed class ConvNeXt : Module<Tensor, Tensor>
{
    private readonly Sequential stem;
    private readonly Sequential stages;
    private readonly ConvNeXtHead head;

    public ConvNeXt(ConvNeXtSpec spec, long inChannels, int classes = 0, double dropPathRate = 0.0, int stemPatch = 4,
        DropPathRandom? dropPathRandom = null)
        : base("ConvNeXt")
    {
        Spec = spec;
        stem = Sequential(Conv2d(inChannels, spec.Dims[0], stemPatch, stride: stemPatch), new LayerNorm2d(spec.Dims[0]));
        int total = spec.Depths.Sum(), at = 0;
        var rates = Enumerable.Range(0, total).Select(i => total > 1 ? dropPathRate * i / (total - 1) : 0).ToArray();
        var list = new List<Module<Tensor, Tensor>>();
        for (int s = 0; s < 4; s++)
        {
            long inDim = s == 0 ? spec.Dims[0] : spec.Dims[s - 1];
            list.Add(new ConvNeXtStage(inDim, spec.Dims[s], spec.Depths[s], rates[at..(at + spec.Depths[s])], spec.ConvMlp, s > 0,
                dropPathRandom));
            at += spec.Depths[s];
        }
        stages = Sequential(list.ToArray());
        head = new ConvNeXtHead(spec.Features, classes);
        RegisterComponents();
    }

    public ConvNeXtSpec Spec { get; }

    /// <summary>Element type of the weights and activations (float32 unless <see cref="ComputeIn"/> changed it).</summary>
    public ScalarType ComputeType { get; private set; } = ScalarType.Float32;

    /// <summary>
    /// Converts the weights to <paramref name="type"/> (inference in bfloat16): the input is then cast to it on entry and the
    /// features back to float32 on exit, so callers (the fusion head, softmax) keep float32.
    /// </summary>
    public void ComputeIn(ScalarType type)
    {
        this.to(type);
        ComputeType = type;
    }

    /// <summary>Pooled, normalised features [B, dims[-1]] (or class logits when built with classes), float32.</summary>
    public override Tensor forward(Tensor x) => ComputeType == ScalarType.Float32
        ? head.call(stages.call(stem.call(x)))
        : InComputeType(x, stem.call);

    /// <summary>The patchify convolution (stem.0): linear in its input channels, which the Shapley stem trick uses.</summary>
    public Conv2d StemConvolution => (Conv2d)stem[0];

    /// <summary>The network from the stem convolution's output on: stem.1 (LayerNorm2d) → stages → head.</summary>
    public Tensor ForwardFromStemConvolution(Tensor stemOutput) => ComputeType == ScalarType.Float32
        ? head.call(stages.call(stem[1].call(stemOutput)))
        : InComputeType(stemOutput, stem[1].call);

    private Tensor InComputeType(Tensor input, Func<Tensor, Tensor> first)
    {
        using var scope = NewDisposeScope();
        return head.call(stages.call(first(input.to(ComputeType)))).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
