using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

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
