using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// The published network, pnnl/MantisShrimp <c>models.ConvModel</c>: <c>Base</c> = a timm ConvNeXt without classifier
/// (num_classes 0; convnext_large: 1536 pooled features) whose stem.0 takes the 9 bands, then
/// <c>fc0</c> = Linear(features + 2, 2048) on [features ++ (E(B−V) CSFD, Planck)], GELU (exact, torch.nn.functional.gelu),
/// <c>fc1</c> = Linear(2048, 400). Field names are the state dict's (Base.stem.0.weight …, fc0.*, fc1.*), so the
/// published file loads key for key and export-weights writes it back in the published layout.
/// The network's input channels are its card's order (NUV, FUV, g … W2); it takes the engine's early-fusion input
/// (FUV first) and reorders it, so the input path is the same for every model.
/// </summary>
public sealed class PublishedConvModel : PhotoZNetwork
{
    /// <summary>The <see cref="NetworkConfig.Arch"/> of this network (the reference's class name).</summary>
    public const string ArchName = "convmodel";

    private readonly ConvNeXt Base;
    private readonly Linear fc0;
    private readonly Linear fc1;
    private readonly long[] _order;
    private readonly bool _identityOrder;

    public PublishedConvModel(NetworkConfig config) : base("ConvModel")
    {
        var spec = ConvNeXtSpec.Parse(config.Backbone);
        _order = ModelCard.Of(config).ChannelIndices();
        _identityOrder = _order.Select((c, i) => c == i).All(x => x) && _order.Length == Surveys.BandTable.BandCount;
        Base = new ConvNeXt(spec, _order.Length, dropPathRate: config.DropPath, dropPathRandom: DropPathRandom);
        fc0 = Linear(spec.Features + 2, config.HeadWidth);
        fc1 = Linear(config.HeadWidth, config.Classes);
        RegisterComponents();
    }

    /// <summary>timm's scheme for <c>Base</c>; <c>fc0</c>/<c>fc1</c> as PyTorch initialises the reference's plain nn.Linear.</summary>
    protected override IReadOnlyList<(Module Module, bool Timm)> InitialisationParts() => [(Base, true), (fc0, false), (fc1, false)];

    public override Tensor forward(Tensor[] inputs, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        var x = inputs[0];
        // Not a registered buffer: the state dict keeps exactly the published keys.
        if (!_identityOrder) x = x.index_select(1, tensor(_order, device: x.device));
        var features = Base.call(x);
        var y = fc1.call(functional.gelu(fc0.call(cat([features, ebv], 1))));
        return y.MoveToOuterDisposeScope();
    }
}
