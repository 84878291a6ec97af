using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Models;

/// <summary>What a photo-z network is: everything needed to rebuild it from a checkpoint.</summary>
public sealed record NetworkConfig
{
    public NetworkArch Arch { get; init; } = NetworkArch.Early;
    public string Backbone { get; init; } = ConvNeXtSpec.Atto.Name;
    /// <summary>Late fusion: backbone of the GALEX and unWISE encoders (paper: ConvNeXt-Small; default: same as Backbone).</summary>
    public string? SmallBackbone { get; init; }
    public BandSet Bands { get; init; } = BandSet.All;
    public int HeadWidth { get; init; } = 2048;
    public int Classes { get; init; } = RedshiftGrid.Classes;
    public double DropPath { get; init; } = 0.1;
    /// <summary>What the network needs to be applied (channel order, class centres, NaN treatment); null: the engine's (<see
    /// cref="ModelCard.Of"/>).</summary>
    public ModelCard? Card { get; init; }

    /// <summary>How the bands reach the network: the published ConvModel stacks them as early fusion does.</summary>
    public FusionKind Fusion => Arch switch
    {
        NetworkArch.Early or NetworkArch.ConvModel => FusionKind.Early,
        NetworkArch.Late => FusionKind.Late,
        _ => throw new UserInputException($"arch must be one of {string.Join(", ", EnumSpelling<NetworkArch>.Names)} (got {(int)Arch})"),
    };
}
