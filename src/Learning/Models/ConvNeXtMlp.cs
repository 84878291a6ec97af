using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

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
