using static TorchSharp.torch;

namespace MantisShrimp.Engine.Models;

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
