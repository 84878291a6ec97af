using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

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
