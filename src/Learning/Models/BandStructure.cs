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

/// <summary>One encoder of a factorised network: the input segment it reads and the model channels (bands) it sees.</summary>
public sealed record FusionEncoder(int Segment, int[] Bands)
{
    /// <summary>Bit j set for each band j the encoder sees.</summary>
    public int BandMask => Bands.Aggregate(0, (m, b) => m | 1 << b);
}

/// <summary>
/// A network that is a fusion head over encoders that each see only their own bands (late fusion):
/// logits = Fuse([Encode(e, input of e's segment) for each e], E(B−V)). A band-subset composite changes an
/// encoder's input only through that encoder's bands, so exact Shapley needs each encoder on its own bands'
/// distinct subsets and the head on every combination of their features.
/// </summary>
public interface IFactorisedFusion
{
    /// <summary>The encoders in fusion order.</summary>
    IReadOnlyList<FusionEncoder> Encoders { get; }

    /// <summary>Features [B, F_e] of encoder <paramref name="encoder"/> on its segment's input [B, C, H, W].</summary>
    Tensor Encode(int encoder, Tensor input);

    /// <summary>Logits [B, classes] from each encoder's features (in <see cref="Encoders"/> order) and E(B−V) [B, 2].</summary>
    Tensor Fuse(IReadOnlyList<Tensor> features, Tensor ebv);
}
