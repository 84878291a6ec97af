using System.Text;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// What a checkpoint needs to be applied, carried by the checkpoint itself (its state.json): the network's input
/// channel order, the class centres, the NaN treatment, and — for the record and <c>inspect-model</c> — the input
/// transforms, crops, resampling and E(B−V) inputs. Every command reads the card; no command asks which model it has.
/// The transforms, crops and resampling are the engine's input path (<see cref="BandTable"/>), the same for both
/// cards: the published model's preprocessing (utils.galex_transform, utils.new_transform, augmentation.augment_fn)
/// has the same formulas and sizes.
/// </summary>
public sealed record ModelCard
{
    /// <summary>Where the model comes from (shown by inspect-model).</summary>
    public string Name { get; init; } = "mantis-engine";

    /// <summary>The bands in the order of the network's input channels (names as <see cref="BandTable"/>'s).</summary>
    public string[] Channels { get; init; } = BandTable.All.Select(b => b.Name).ToArray();

    public ClassCentres Centres { get; init; } = ClassCentres.BinCentres;

    public NanTreatment Nan { get; init; } = NanTreatment.Zero;

    /// <summary>Telea's neighbourhood radius in pixels (cv2.inpaint's inpaintRadius; the reference passes 3).</summary>
    public int InpaintRadius { get; init; } = 3;

    /// <summary>The published model: reference code pnnl/MantisShrimp, mantis_shrimp/models.py (ConvModel) and pipeline.py.</summary>
    public static readonly ModelCard Published = new()
    {
        Name = "pnnl/MantisShrimp best_early.pt (ConvModel: timm convnext_large + fc0/fc1)",
        // The GALEX cube is read as stored, [NUV, FUV] (preprocess.process_galex; pipeline.visualization: "stored backwards").
        Channels = ["NUV", "FUV", "g", "r", "i", "z", "y", "W1", "W2"],
        Centres = ClassCentres.Linspace,
        Nan = NanTreatment.TeleaPanStarrs,
        InpaintRadius = 3,
    };

    /// <summary>The card of the engine's own models (train, import of our layout or of a timm backbone): their bands in channel
    /// order.</summary>
    public static ModelCard EngineFor(NetworkConfig network) =>
        new() { Channels = BandSets.Channels(network.Bands).Select(c => BandTable.All[(int)c].Name).ToArray() };

    /// <summary>The card a network carries: its own, or (checkpoints from before cards) the engine's.</summary>
    public static ModelCard Of(NetworkConfig network) => network.Card ?? EngineFor(network);

    /// <summary>The engine channel (0..8, <see cref="Band"/>) of each network input channel; a bad name is an error naming it.</summary>
    public long[] ChannelIndices() => Channels.Select(n =>
    {
        try { return (long)BandTable.Parse(n).Channel; }
        catch (ArgumentException e) { throw new Common.UserInputException($"model card: {e.Message}"); }
    }).ToArray();

    /// <summary>The redshift each class stands for.</summary>
    public double[] ClassValues(int classes) => Centres switch
    {
        ClassCentres.Linspace => Enumerable.Range(0, classes).Select(k => classes == 1 ? 0
            : k * RedshiftGrid.ZMax / (classes - 1)).ToArray(),
        _ => Enumerable.Range(0, classes).Select(k => (k + 0.5) * RedshiftGrid.ZMax / classes).ToArray(),
    };

    /// <summary>The card as inspect-model prints it.</summary>
    public string Describe(NetworkConfig network)
    {
        var s = new StringBuilder();
        var centres = ClassValues(network.Classes);
        s.AppendLine($"model          {Name}");
        s.AppendLine($"network        {network.Arch.Spelling()}, {network.Backbone}, head width {network.HeadWidth}, {network.Classes} " +
            $"classes");
        s.AppendLine($"channels       {string.Join(", ", Channels)}");
        s.AppendLine(FormattableString.Invariant(
            $"class centres  {Centres}: z_0 = {centres[0]:0.######}, z_1 = {centres[1]:0.######}, ")
            + FormattableString.Invariant($"z_last = {centres[^1]:0.######}; z = Σ p_k z_k"));
        s.AppendLine(Nan == NanTreatment.TeleaPanStarrs
            ? $"NaN pixels     PS1 bands inpainted (Telea, radius {InpaintRadius}) before the transforms; any NaN left → 0"
            : "NaN pixels     → 0 after the transforms");
        foreach (var survey in BandTable.AllSurveys)
        {
            var t = survey.Transform;
            string formula = t.Kind == Kernels.IntensityTransformKind.LinearClip
                ? FormattableString.Invariant($"clip(x / {t.Scale}, 0, 1)")
                : FormattableString.Invariant($"max(asinh({t.Scale}·x) / {t.Divisor}, 0)");
            string resize = survey.CropSize == FusionInput.EarlySize ? ""
                : $", resized to {FusionInput.EarlySize} (bilinear, antialiased)";
            s.AppendLine($"{survey.Name,-14} {formula}; centre crop {survey.NativeSize} → {survey.CropSize}{resize}");
        }
        s.AppendLine("E(B−V) inputs  [CSFD, Planck] appended to the pooled features");
        return s.ToString();
    }
}
