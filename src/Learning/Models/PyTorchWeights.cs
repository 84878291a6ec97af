using System.Collections;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// PyTorch state dicts in and out (TorchSharp.PyBridge): <c>.pth</c>/<c>.pt</c>/<c>.bin</c> pickles as
/// <c>torch.save(model.state_dict())</c> writes them, and <c>.safetensors</c>. Two layouts are read:
/// <list type="bullet">
/// <item>a whole network of ours (keys as <see cref="PhotoZNetwork"/>'s: <c>backbone.stem.0.weight</c>, <c>head.0.weight</c>, …),
/// e.g. one exported by <see cref="Write"/> or trained in PyTorch with the same module names;</item>
/// <item>a timm ConvNeXt (<c>stem.0.weight</c>, <c>stages.N.…</c>, <c>head.norm.*</c>; <c>head.fc.*</c>, the ImageNet
/// classifier, is ignored) loaded into the early-fusion backbone or one late-fusion encoder, its 3-channel stem adapted to
/// the network's bands as timm's <c>adapt_input_conv</c> does — the paper started from pretrained ConvNeXt weights.</item>
/// </list>
/// </summary>
public static class PyTorchWeights
{
    /// <summary>Reads a state dict (pickle or safetensors) as name → tensor; a leading DDP <c>module.</c> is dropped.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"weights file not found: {path}");
        WeightFileLimits.Check(path);
        Dictionary<string, Tensor> raw;
        try
        {
            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                raw = Safetensors.LoadStateDict(path);
            else
            {
                RefuseLegacyPickle(path);
                raw = new Dictionary<string, Tensor>();
                foreach (DictionaryEntry e in PyTorchUnpickler.UnpickleStateDict(path))
                {
                    if (e.Value is not Tensor t)
                        throw new UserInputException($"{path}: entry '{e.Key}' is not a tensor — save model.state_dict() itself, not a " +
                            $"dict around it");
                    raw[(string)e.Key] = t;
                }
            }
        }
        catch (Exception e) when (e is not UserInputException)
        {
            throw new UserInputException($"{path}: not a readable PyTorch state dict ({e.GetType().Name}: {e.Message})");
        }
        return raw.ToDictionary(kv => kv.Key.StartsWith("module.", StringComparison.Ordinal) ? kv.Key["module.".Length..] : kv.Key,
            kv => kv.Value);
    }

    /// <summary>
    /// Writes the network's state dict with our module names: a PyTorch pickle, or safetensors when the path ends so. It holds
    /// what PyTorch's <c>state_dict()</c> of the same model holds: the learned parameters, detached (PyBridge's
    /// <c>save_py</c> pickles a parameter with requires_grad=True, and <c>torch.load(f)[k].numpy()</c> then fails), without
    /// early fusion's band-index buffer, which the network rebuilds from its configuration.
    /// </summary>
    public static void Write(PhotoZNetwork net, string path)
    {
        AtomicFile.WriteVia(path, tmp =>
        {
            using var scope = NewDisposeScope();
            var state = new Dictionary<string, Tensor>();
            foreach (var (name, parameter) in net.named_parameters()) state[name] = parameter.detach();
            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) Safetensors.SaveStateDict(tmp, state);
            else PyTorchPickler.PickleStateDict(tmp, state);
        });
    }

    /// <summary>The start of a zip archive: torch.save's format since PyTorch 1.6, the only pickle layout read.</summary>
    private static ReadOnlySpan<byte> ZipMagic => "PK\u0003\u0004"u8;

    /// <summary>
    /// The first byte of a bare pickle (protocol 2+): how the pre-1.6 format (and <c>_use_new_zipfile_serialization=False</c>) begins.
    /// </summary>
    private const byte PickleProtocolOpcode = 0x80;

    private static void RefuseLegacyPickle(string path)
    {
        Span<byte> head = stackalloc byte[4];
        int got;
        using (var f = File.OpenRead(path)) got = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got == 4 && head.SequenceEqual(ZipMagic)) return;
        if (got > 0 && head[0] == PickleProtocolOpcode)
            throw new UserInputException($"{path}: a state dict in PyTorch's legacy (pre-1.6, non-zip) serialisation, which is not read; "
                + "re-save it in the zip format: torch.save(torch.load(path), new_path) with PyTorch ≥ 1.6, or as .safetensors");
        throw new UserInputException(
            $"{path}: not a PyTorch state dict (torch.save writes a zip archive; this file does not start with one)");
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="net"/> (see the class summary for the two layouts).
    /// <paramref name="encoder"/> picks the late-fusion encoder a timm backbone goes into (a <see cref="SurveyInfo.EncoderKey"/>:
    /// galex, ps1, unwise; default ps1).
    /// Shapes that do not match, other than a stem's input channels, are an error naming the key.
    /// </summary>
    public static WeightImport Import(PhotoZNetwork net, IReadOnlyDictionary<string, Tensor> source, string file, string? encoder = null)
    {
        var target = net.state_dict();
        bool whole = source.Keys.Any(target.ContainsKey);
        string prefix = "";
        if (!whole)
        {
            if (!source.ContainsKey("stem.0.weight"))
                throw new UserInputException($"{file}: neither this network's keys (e.g. {target.Keys.First()}) nor a timm ConvNeXt's " +
                    $"(stem.0.weight, stages.…)");
            prefix = net is EarlyFusionNet ? "backbone." : (encoder ?? BandTable.PanStarrs.EncoderKey) + ".";
            if (net is EarlyFusionNet && encoder is not null) throw new UserInputException("--encoder applies to late fusion only");
            if (!target.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
                throw new UserInputException($"--encoder {encoder}: this network has no such encoder (its bands leave it out, or the " +
                    $"name is not one of {BandTable.EncoderKeys})");
        }
        var adapted = new List<string>();
        var ignored = new List<string>();
        var copied = new HashSet<string>();
        using (no_grad())
        using (NewDisposeScope()) // converted and adapted copies; the network's tensors are written in place
        {
            foreach (var (key, value) in source)
            {
                string name = prefix + key;
                if (!target.TryGetValue(name, out var into))
                {
                    ignored.Add(key);
                    continue;
                }
                var tensor = value.to(ScalarType.Float32);
                if (!tensor.shape.SequenceEqual(into.shape))
                {
                    if (name.EndsWith("stem.0.weight", StringComparison.Ordinal) && tensor.dim() == 4 && tensor.shape[0] == into.shape[0]
                        && tensor.shape[2] == into.shape[2] && tensor.shape[3] == into.shape[3])
                    {
                        tensor = AdaptInputConv((int)into.shape[1], tensor, file, key);
                        adapted.Add($"{key}: {tensor.shape[1]} input channels from {value.shape[1]}");
                    }
                    else
                        throw new UserInputException($"{file}: {key} has shape [{string.Join(", ", value.shape)}], the network's {name} " +
                            $"[{string.Join(", ", into.shape)}] — another --backbone, --bands or --head-width?");
                }
                into.copy_(tensor.to(into.device));
                copied.Add(name);
            }
        }
        // Only learned parameters must come from the file (a PyTorch model has no band-index buffer; Write leaves it out).
        var parameters = net.named_parameters().Select(p => p.name).ToHashSet();
        var kept = target.Keys.Where(k => !copied.Contains(k) && parameters.Contains(k)).ToList();
        if (whole && kept.Count > 0)
            throw new UserInputException($"{file}: holds this network's layout but lacks {kept.Count} of its tensors (first: {kept[0]}) " +
                $"— another --arch, --backbone or --bands?");
        var missingInPart = whole ? [] : kept.Where(k =>
            k.StartsWith(prefix, StringComparison.Ordinal)).ToList(); // the encoder itself; the fusion head keeps its initialisation
        if (missingInPart.Count > 0)
            throw new UserInputException($"{file}: a timm ConvNeXt without {missingInPart.Count} of the {prefix.TrimEnd('.')} encoder's " +
                $"tensors (first: {missingInPart[0][prefix.Length..]}) — another --backbone, --bands or --head-width?");
        return new WeightImport(whole ? "network" : $"timm ConvNeXt → {prefix.TrimEnd('.')}", copied.Count, adapted, ignored, kept);
    }

    /// <summary>Reads <paramref name="file"/> and imports it into <paramref name="net"/> (<see cref="Import"/>); the file's tensors are
    /// freed.</summary>
    public static WeightImport Load(PhotoZNetwork net, string file, string? encoder = null)
    {
        var source = Read(file);
        try
        {
            return Import(net, source, file, encoder);
        }
        finally
        {
            foreach (var t in source.Values) t.Dispose();
        }
    }

    /// <summary>How a network's starting weights are recorded in its checkpoint's settings: the file's full path, #encoder.</summary>
    public static string Origin(string file, string? encoder) => Path.GetFullPath(file) + (encoder is null ? "" : "#" + encoder);

    /// <summary>
    /// <c>mantis import-weights</c>: a network of <paramref name="config"/> (seeded initialisation for whatever the file
    /// does not hold) with the file's weights, saved as a checkpoint that score, predict, serve and shapley take.
    /// </summary>
    public static WeightImport ToCheckpoint(NetworkConfig config, string weights, string? encoder, ulong seed, string checkpoint)
    {
        using var net = PhotoZNetwork.Create(config, seed);
        var import = Load(net, weights, encoder);
        var record = new TrainOptionsRecord("", 0, 0, 0, 0, seed, 0, 1, Origin(weights, encoder));
        Checkpoint.Save(checkpoint, new TrainingState { Network = config, Options = record }, net, null);
        return import;
    }

    /// <summary>
    /// timm's <c>adapt_input_conv</c>: RGB stem weights [O, 3, k, k] for another channel count — summed for one channel,
    /// otherwise repeated over the channels and scaled by 3 / channels (so a grey input of the old scale gives the
    /// same response).
    /// </summary>
    public static Tensor AdaptInputConv(int channels, Tensor weight, string file = "", string key = "stem.0.weight")
    {
        long o = weight.shape[0], i = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        if (channels == 1)
            return i > 3 && i % 3 == 0 ? weight.reshape(o, i / 3, 3, kh, kw).sum(2) : weight.sum(1, keepdim: true);
        if (i != 3) throw new UserInputException($"{file}: {key} has {i} input channels; only 3-channel (RGB) stems are adapted");
        long repeat = (channels + 2) / 3;
        return weight.repeat(1, repeat, 1, 1).narrow(1, 0, channels) * (3.0 / channels);
    }
}
