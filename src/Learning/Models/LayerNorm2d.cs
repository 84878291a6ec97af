using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

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
