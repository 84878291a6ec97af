using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// A network whose first layer is a convolution linear in each band's input channel (early fusion): its output for
/// a band-subset composite is bias + Σ_j W_j∗(S∋j ? x_j : b_j), which the Shapley stem trick assembles instead of
/// convolving every composite.
/// </summary>
public interface ILinearStem
{
    /// <summary>Model channels (0..8) the stem sees, in stem-input order.</summary>
    long[] BandChannels { get; }

    /// <summary>The stem convolution (input channels = <see cref="BandChannels"/>; patchify: stride = kernel).</summary>
    Conv2d StemConvolution { get; }

    /// <summary>Logits from precomputed stem-convolution outputs [B, C, H/p, W/p].</summary>
    Tensor ForwardFromStemConvolution(Tensor stemOutput, Tensor ebv);
}
