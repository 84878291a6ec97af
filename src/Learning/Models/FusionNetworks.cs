using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Surveys;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using System.Text.Json.Serialization;

namespace MantisShrimp.Engine.Models;

/// <summary>Which network a checkpoint holds (state.json <c>Arch</c>; the spellings are the files' and <c>--arch</c>'s).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NetworkArch>))]
public enum NetworkArch
{
    [JsonStringEnumMemberName("early")] Early,
    [JsonStringEnumMemberName("late")] Late,
    /// <summary>The reference's published ConvModel (imported weights).</summary>
    [JsonStringEnumMemberName(PublishedConvModel.ArchName)] ConvModel,
}

/// <summary>The band sets of the paper's Table 4 ablations (state.json <c>Bands</c> and <c>--bands</c> spell them so).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BandSet>))]
public enum BandSet
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("optical")] Optical,
    [JsonStringEnumMemberName("optical+uv")] OpticalUv,
    [JsonStringEnumMemberName("optical+ir")] OpticalIr,
}

/// <summary>The surveys and channels of each <see cref="BandSet"/>.</summary>
public static class BandSets
{
    public static readonly string[] Names = EnumSpelling<BandSet>.Names;

    public static Survey[] Surveys(BandSet bands) => bands switch
    {
        BandSet.All => [Survey.Galex, Survey.PanStarrs, Survey.Unwise],
        BandSet.Optical => [Survey.PanStarrs],
        BandSet.OpticalUv => [Survey.Galex, Survey.PanStarrs],
        BandSet.OpticalIr => [Survey.PanStarrs, Survey.Unwise],
        _ => throw new UserInputException($"bands must be one of {string.Join(", ", Names)} (got {(int)bands})"),
    };

    /// <summary>Model channels (0..8) of a band set, in channel order.</summary>
    public static long[] Channels(BandSet bands)
    {
        var surveys = Surveys(bands);
        return BandCatalog.All.Where(b => surveys.Contains(b.Survey)).Select(b => (long)b.Channel).ToArray();
    }
}

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

/// <summary>Early fusion (§4.1): the chosen bands stacked at 120×120 → one ConvNeXt with a k-channel stem.</summary>
public sealed class EarlyFusionNet : PhotoZNetwork, ILinearStem
{
    private readonly ConvNeXt backbone;
    private readonly Sequential head;
    private readonly Tensor _channels;
    private readonly bool _allBands;

    public EarlyFusionNet(NetworkConfig config) : base("EarlyFusion")
    {
        var channels = BandSets.Channels(config.Bands);
        _allBands = channels.Length == BandCatalog.BandCount;
        _channels = tensor(channels);
        var spec = ConvNeXtSpec.Parse(config.Backbone);
        backbone = new ConvNeXt(spec, channels.Length, dropPathRate: config.DropPath, dropPathRandom: DropPathRandom);
        head = Head(spec.Features, config);
        RegisterComponents();
    }

    protected override IReadOnlyList<(Module Module, bool Timm)> InitialisationParts() => [(backbone, true), (head, false)];

    public override Tensor forward(Tensor[] inputs, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        var x = _allBands ? inputs[0] : inputs[0].index_select(1, _channels.to(inputs[0].device));
        var features = backbone.call(x);
        return head.call(cat([features, ebv], 1)).MoveToOuterDisposeScope();
    }

    /// <summary>Model channels (0..8) the backbone sees, in stem-input order.</summary>
    public long[] BandChannels => _channels.data<long>().ToArray();

    /// <summary>The backbone's stem convolution (its input channels are <see cref="BandChannels"/>).</summary>
    public Conv2d StemConvolution => backbone.StemConvolution;

    /// <summary>Logits from precomputed stem-convolution outputs [B, dims[0], H/4, W/4] (the Shapley stem trick).</summary>
    public Tensor ForwardFromStemConvolution(Tensor stemOutput, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        var features = backbone.ForwardFromStemConvolution(stemOutput);
        return head.call(cat([features, ebv], 1)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Late fusion: one encoder per survey of the band set, built from the survey table (<see cref="SurveyInfo.EncoderKey"/>,
/// stem patch, backbone size, band count); latents ⊕ E(B−V) → MLP → classes.
/// </summary>
public sealed class LateFusionNet : PhotoZNetwork, IFactorisedFusion
{
    // Each encoder is registered under its survey's key (register_module("ps1", …)), not held in a ModuleDict, whose
    // name would prefix every state-dict key: checkpoints and exported weights keep the keys galex.…, ps1.…, unwise.….
    // An array is not a module field, so RegisterComponents leaves it alone.
    private readonly (SurveyInfo Survey, ConvNeXt Encoder)[] _encoders;
    private readonly Sequential head;

    public LateFusionNet(NetworkConfig config) : base("LateFusion")
    {
        var surveys = BandSets.Surveys(config.Bands);
        var big = ConvNeXtSpec.Parse(config.Backbone);
        var small = ConvNeXtSpec.Parse(config.SmallBackbone ?? config.Backbone);
        var encoders = new List<(SurveyInfo, ConvNeXt)>();
        long features = 0;
        foreach (var survey in BandCatalog.AllSurveys.Where(s => surveys.Contains(s.Survey)))
        {
            var spec = survey.EncoderUsesSmallBackbone ? small : big;
            var encoder = new ConvNeXt(spec, survey.Bands.Count, dropPathRate: config.DropPath, stemPatch: survey.EncoderStemPatch,
                dropPathRandom: DropPathRandom);
            register_module(survey.EncoderKey, encoder);
            encoders.Add((survey, encoder));
            features += spec.Features;
        }
        _encoders = [.. encoders];
        head = Head(features, config);
        RegisterComponents();
        // Each encoder reads its survey's segment and sees that survey's bands.
        Encoders = _encoders.Select(e => new FusionEncoder(e.Survey.Index, e.Survey.Bands.Select(b => b.Channel).ToArray())).ToArray();
    }

    public IReadOnlyList<FusionEncoder> Encoders { get; }

    /// <summary>The surveys whose encoders this network has, in fusion order.</summary>
    public IReadOnlyList<SurveyInfo> EncoderSurveys => _encoders.Select(e => e.Survey).ToArray();

    public Tensor Encode(int encoder, Tensor input) => _encoders[encoder].Encoder.call(input);

    public Tensor Fuse(IReadOnlyList<Tensor> features, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        return head.call(cat([.. features, ebv], 1)).MoveToOuterDisposeScope();
    }

    protected override IReadOnlyList<(Module Module, bool Timm)> InitialisationParts() =>
        [.. _encoders.Select(e => ((Module)e.Encoder, true)), (head, false)];

    public override Tensor forward(Tensor[] inputs, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var (survey, encoder) in _encoders) parts.Add(encoder.call(inputs[survey.Index]));
        parts.Add(ebv);
        return head.call(cat(parts, 1)).MoveToOuterDisposeScope();
    }
}
