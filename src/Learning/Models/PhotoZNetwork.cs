using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

/// <summary>(network inputs per segment, E(B−V) [B, 2]) → logits [B, classes].</summary>
public abstract class PhotoZNetwork(string name) : Module<Tensor[], Tensor, Tensor>(name)
{
    public required NetworkConfig Config { get; init; }

    /// <summary>The stochastic-depth random source of every block (the trainer sets it per epoch).</summary>
    public DropPathRandom DropPathRandom { get; } = new();

    /// <summary>Widest accepted head (a checkpoint's state.json sizes the network).</summary>
    public const int MaxHeadWidth = 16384;

    /// <summary>
    /// Separates the weight-initialisation streams from the other streams of the same user seed (the trainer's
    /// per-epoch streams are <see cref="SplitMix64.ForStream"/>(seed, epoch)).
    /// </summary>
    private const ulong InitialisationSalt = 0x1217_1A11_5EED_0001UL;

    /// <summary>
    /// A network of <paramref name="config"/>; with <paramref name="initSeed"/>, its starting weights drawn from that
    /// seed (<see cref="TimmInitialisation"/>). Without, libtorch's constructor defaults — for a network whose weights
    /// are loaded next (a checkpoint), where drawing them would be wasted.
    /// </summary>
    public static PhotoZNetwork Create(NetworkConfig config, ulong? initSeed = null)
    {
        BandSets.Surveys(config.Bands); // validate
        // A checkpoint's state.json sizes the network: bound it before anything is allocated.
        if (config.HeadWidth is < 1 or > MaxHeadWidth)
            throw new UserInputException($"head width {config.HeadWidth} is outside 1..{MaxHeadWidth} (paper: 2048)");
        if (config.Classes != RedshiftGrid.Classes)
            throw new UserInputException($"{config.Classes} classes: the redshift grid has {RedshiftGrid.Classes}");
        if (!(config.DropPath is >= 0 and < 1)) throw new UserInputException($"drop path {config.DropPath} is outside [0, 1)");
        PhotoZNetwork net = config.Arch == NetworkArch.ConvModel ? new PublishedConvModel(config) { Config = config }
            : config.Fusion == FusionKind.Early ? new EarlyFusionNet(config) { Config = config }
            : new LateFusionNet(config) { Config = config };
        if (initSeed is { } seed)
        {
            var parts = net.InitialisationParts();
            for (int i = 0; i < parts.Count; i++)
            {
                ulong partSeed = SplitMix64.ForStream(seed ^ InitialisationSalt, (ulong)i).NextUInt64();
                if (parts[i].Timm) TimmInitialisation.ConvNeXt(parts[i].Module, partSeed);
                else TimmInitialisation.PyTorchLinear(parts[i].Module, partSeed);
            }
        }
        return net;
    }

    /// <summary>Arithmetic of the backbones (<see cref="UsePrecision"/>); the head, softmax and PDF are float32 either way.</summary>
    public InferencePrecision Precision { get; private set; } = InferencePrecision.Fp32;

    /// <summary>
    /// For inference: every ConvNeXt backbone computes in <paramref name="precision"/>, the fusion head stays float32
    /// (a few per cent of the work, and it sets the logits, whose rounding the PDF feels directly). Call after moving to
    /// <paramref name="device"/>; a precision the device cannot run natively is refused (<see
    /// cref="InferencePrecisions.Check(InferencePrecision, Device)"/>).
    /// </summary>
    public void UsePrecision(InferencePrecision precision, Device device)
    {
        precision.Check(device);
        foreach (var (module, _) in InitialisationParts())
            if (module is ConvNeXt backbone) backbone.ComputeIn(precision.ScalarType());
        Precision = precision;
    }

    /// <summary>The parts to initialise, in a fixed order: ConvNeXt backbones (timm's scheme) and the fusion head (PyTorch's).</summary>
    protected abstract IReadOnlyList<(Module Module, bool Timm)> InitialisationParts();

    /// <summary>The paper's head: features ⊕ [E(B−V)_CSFD, E(B−V)_Planck] → Linear(→width) → GELU → Linear(→classes).</summary>
    protected static Sequential Head(long features, NetworkConfig c) =>
        Sequential(Linear(features + 2, c.HeadWidth), GELU(), Linear(c.HeadWidth, c.Classes));
}
