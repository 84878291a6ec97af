using MantisShrimp.Engine.Common;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// The published checkpoint's layout (<c>--layout mantis-shrimp-early</c>): the state dict of models.ConvModel as
/// torch.save wrote it (best_early.pt) — <c>Base.stem.0.weight</c> … <c>Base.head.norm.*</c>, <c>fc0.*</c>, <c>fc1.*</c>,
/// possibly behind DDP's <c>module.</c> (dropped on reading, as models.trained_early does). Loaded strictly, as
/// <c>model.load_state_dict(ckpt)</c> does: every key with its shape, nothing else.
/// </summary>
public static class PublishedWeights
{
    public const string Layout = "mantis-shrimp-early";

    /// <summary>The layouts <c>import-weights --layout</c> takes.</summary>
    public static readonly string[] Layouts = ["auto", "engine", Layout];

    /// <summary>Whether a state dict's keys are the published ConvModel's (what <c>--layout auto</c> asks).</summary>
    public static bool Recognises(IReadOnlyDictionary<string, Tensor> source) =>
        source.ContainsKey("Base.stem.0.weight") && source.ContainsKey("fc0.weight") && source.ContainsKey("fc1.weight");

    /// <summary>
    /// The network the file holds: the ConvNeXt size from its tensors' shapes (stage widths, blocks per stage, Linear or
    /// 1×1-convolution MLP; convnext_large for the published file), the head width from fc0, the classes from fc1.
    /// </summary>
    public static NetworkConfig ConfigOf(IReadOnlyDictionary<string, Tensor> source, string file)
    {
        Tensor Get(string key) => source.TryGetValue(key, out var t) ? t
            : throw new UserInputException($"{file}: the published layout needs {key}, which the file lacks");
        var dims = new int[4];
        var depths = new int[4];
        for (int s = 0; s < 4; s++)
        {
            dims[s] = (int)Get($"Base.stages.{s}.blocks.0.conv_dw.weight").shape[0];
            while (source.ContainsKey($"Base.stages.{s}.blocks.{depths[s]}.conv_dw.weight")) depths[s]++;
        }
        bool convMlp = Get("Base.stages.0.blocks.0.mlp.fc1.weight").dim() == 4;
        var spec = ConvNeXtSpec.All.FirstOrDefault(x => x.Dims.SequenceEqual(dims) && x.Depths.SequenceEqual(depths)
            && x.ConvMlp == convMlp)
            ?? throw new UserInputException($"{file}: a ConvNeXt of widths [{string.Join(", ", dims)}], "
                + $"depths [{string.Join(", ", depths)}]"
                + $"{(convMlp ? ", conv MLP" : "")} is none of {string.Join(", ", ConvNeXtSpec.All.Select(x => x.Name))}");
        var stem = Get("Base.stem.0.weight");
        int channels = ModelCard.Published.Channels.Length;
        if (stem.dim() != 4 || stem.shape[1] != channels)
            throw new UserInputException(
                $"{file}: Base.stem.0.weight has shape [{string.Join(", ", stem.shape)}]; the published model takes {channels} bands");
        var fc0 = Get("fc0.weight");
        var fc1 = Get("fc1.weight");
        return new NetworkConfig
        {
            Arch = NetworkArch.ConvModel, Backbone = spec.Name, Bands = BandSet.All,
            HeadWidth = (int)fc0.shape[0], Classes = (int)fc1.shape[0], DropPath = 0, Card = ModelCard.Published,
        };
    }

    /// <summary>Copies every tensor into the network; a missing, extra or differently shaped key is an error naming it.</summary>
    public static int Import(PhotoZNetwork net, IReadOnlyDictionary<string, Tensor> source, string file)
    {
        var target = net.state_dict();
        var extra = source.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new UserInputException($"{file}: {extra.Count} key(s) the published ConvModel does not have (first: {extra[0]})");
        var missing = target.Keys.Where(k => !source.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new UserInputException($"{file}: lacks {missing.Count} of the published ConvModel's tensors (first: {missing[0]})");
        using (no_grad())
        using (NewDisposeScope())
        {
            foreach (var (key, into) in target)
            {
                var value = source[key];
                if (!value.shape.SequenceEqual(into.shape))
                    throw new UserInputException($"{file}: {key} has shape [{string.Join(", ", value.shape)}], "
                        + $"the published ConvModel's [{string.Join(", ", into.shape)}]");
                into.copy_(value.to(ScalarType.Float32).to(into.device));
            }
        }
        return target.Count;
    }

    /// <summary><c>import-weights --layout mantis-shrimp-early</c>: the file as a checkpoint carrying the published model card.</summary>
    public static WeightImport ToCheckpoint(IReadOnlyDictionary<string, Tensor> source, string weights, string checkpoint)
    {
        var config = ConfigOf(source, weights);
        using var net = PhotoZNetwork.Create(config);
        int copied = Import(net, source, weights);
        var record = new TrainOptionsRecord("", 0, 0, 0, 0, 0, 0, 1, PyTorchWeights.Origin(weights, null));
        Checkpoint.Save(checkpoint, new TrainingState { Network = config, Options = record }, net, null);
        return new WeightImport($"{Layout} ({config.Backbone}, head {config.HeadWidth}, {config.Classes} classes)", copied, [], [], []);
    }
}
