using System.IO.Compression;
using System.Text.Json;
using MantisShrimp.Engine.Common;
using TorchSharp.Modules;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// A checkpoint file: a zip archive (no compression) with state.json (config, epoch, scheduler, history),
/// model.bin (TorchSharp module state) and optimizer.bin (NAdam state). Written to a temp file and renamed.
/// </summary>
public static class Checkpoint
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(string path, TrainingState state, PhotoZNetwork model, NAdam? optimizer)
    {
        AtomicFile.Write(path, fs =>
        {
            using var zip = new ZipArchive(fs, ZipArchiveMode.Create, leaveOpen: true);
            using (var s = zip.CreateEntry("state.json", CompressionLevel.NoCompression).Open())
                JsonSerializer.Serialize(s, state, Json);
            using (var s = zip.CreateEntry("model.bin", CompressionLevel.NoCompression).Open())
                model.save(s);
            if (optimizer is not null)
            {
                using var s = zip.CreateEntry("optimizer.bin", CompressionLevel.NoCompression).Open();
                using var w = new BinaryWriter(s);
                optimizer.save_state_dict(w);
            }
        });
    }

    /// <summary>Largest state.json read (its history grows by a few hundred bytes an epoch).</summary>
    public const long MaxStateBytes = 64L << 20;

    public static TrainingState ReadState(string path) => Read(path, zip => ReadStateEntry(zip, path));

    /// <summary>
    /// Reads the whole checkpoint (state, weights, optimizer state when present) without keeping it: what a resume runs
    /// on the checkpoints it keeps, so a truncated or damaged file is found then and not by a later score.
    /// </summary>
    public static TrainingState Validate(string path)
    {
        var state = ReadState(path);
        Read(path, zip =>
        {
            CheckpointLimits.Drain(zip, "model.bin", path, required: true);
            CheckpointLimits.Drain(zip, "optimizer.bin", path, required: false);
            return 0;
        });
        return state;
    }

    /// <summary>Loads a checkpoint's network (and, when given, the optimizer state).</summary>
    public static (TrainingState State, PhotoZNetwork Model) Load(string path, NAdam? optimizer = null, PhotoZNetwork? into = null)
    {
        if (!File.Exists(path)) throw new UserInputException($"Checkpoint not found: {path}");
        var state = ReadState(path);
        var model = into ?? PhotoZNetwork.Create(state.Network); // Create bounds what a config may ask for
        long limit = CheckpointLimits.ModelBytes(model);
        try
        {
            Read(path, zip =>
            {
                using (var ms = CheckpointLimits.ReadEntry(zip, "model.bin", limit, path, required: true)!)
                    Guarded(path, "model.bin", () => model.load(ms));
                long optimizerLimit = CheckpointLimits.OptimizerBytes(limit);
                if (optimizer is not null
                    && CheckpointLimits.ReadEntry(zip, "optimizer.bin", optimizerLimit, path, required: false) is { } ms2)
                    using (var r = new BinaryReader(ms2))
                        Guarded(path, "optimizer.bin", () => optimizer.load_state_dict(r));
                return 0;
            });
        }
        catch when (into is null)
        {
            model.Dispose();
            throw;
        }
        return (state, model);
    }

    private static TrainingState ReadStateEntry(ZipArchive zip, string path)
    {
        _ = zip.GetEntry("state.json") ?? throw new UserInputException($"{path}: not a Mantis checkpoint (no state.json)");
        using var ms = CheckpointLimits.ReadEntry(zip, "state.json", MaxStateBytes, path, required: true)!;
        var state = JsonSerializer.Deserialize<TrainingState>(ms, Json) ?? throw new UserInputException($"{path}: empty state");
        if (state.Network is null || state.Options is null) throw new UserInputException($"{path}: state.json lacks Network or Options");
        return state;
    }

    /// <summary>Opens the zip and maps what a damaged file throws to a user error naming it.</summary>
    private static T Read<T>(string path, Func<ZipArchive, T> read)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return read(zip);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException or NotSupportedException)
        {
            throw new UserInputException($"{path}: unreadable checkpoint ({e.Message})", e);
        }
    }

    /// <summary>TorchSharp's loaders throw plain exceptions on malformed bytes: those become a user error naming the entry.</summary>
    private static void Guarded(string path, string entry, Action load)
    {
        try
        {
            load();
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException($"{path}: {entry} does not hold this network's weights ({e.GetType().Name}: {e.Message})", e);
        }
    }
}
