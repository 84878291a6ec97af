using MantisShrimp.Engine.Surveys;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

/// <summary>Early fusion (§4.1): the chosen bands stacked at 120×120 → one ConvNeXt with a k-channel stem.</summary>
public sealed class EarlyFusionNet : PhotoZNetwork, ILinearStem
{
    private readonly ConvNeXt backbone;
    private readonly Sequential head;
    private readonly Tensor _channels;
    private readonly bool _allBands;

    public EarlyFusionNet(NetworkConfig config) : base("EarlyFusion")
    {
        var channels = BandSets.Channels(config.Bands);
        _allBands = channels.Length == BandTable.BandCount;
        _channels = tensor(channels);
        var spec = ConvNeXtSpec.Parse(config.Backbone);
        backbone = new ConvNeXt(spec, channels.Length, dropPathRate: config.DropPath, dropPathRandom: DropPathRandom);
        head = Head(spec.Features, config);
        RegisterComponents();
    }

    protected override IReadOnlyList<(Module Module, bool Timm)> InitialisationParts() => [(backbone, true), (head, false)];

    public override Tensor forward(Tensor[] inputs, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        var x = _allBands ? inputs[0] : inputs[0].index_select(1, _channels.to(inputs[0].device));
        var features = backbone.call(x);
        return head.call(cat([features, ebv], 1)).MoveToOuterDisposeScope();
    }

    /// <summary>Model channels (0..8) the backbone sees, in stem-input order.</summary>
    public long[] BandChannels => _channels.data<long>().ToArray();

    /// <summary>The backbone's stem convolution (its input channels are <see cref="BandChannels"/>).</summary>
    public Conv2d StemConvolution => backbone.StemConvolution;

    /// <summary>Logits from precomputed stem-convolution outputs [B, dims[0], H/4, W/4] (the Shapley stem trick).</summary>
    public Tensor ForwardFromStemConvolution(Tensor stemOutput, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        var features = backbone.ForwardFromStemConvolution(stemOutput);
        return head.call(cat([features, ebv], 1)).MoveToOuterDisposeScope();
    }
}
