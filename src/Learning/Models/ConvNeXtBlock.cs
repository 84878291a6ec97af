using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

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
