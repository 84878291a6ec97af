using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

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
