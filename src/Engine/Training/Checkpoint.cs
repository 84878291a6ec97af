using System.IO.Compression;
using System.Text.Json;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Models;
using TorchSharp.Modules;

namespace MantisShrimp.Engine.Training;

/// <summary>Training progress stored with the weights: enough to continue a run exactly.</summary>
public sealed record TrainingState
{
    public required NetworkConfig Network { get; init; }
    public required TrainOptionsRecord Options { get; init; }
    /// <summary>Epochs completed.</summary>
    public int Epoch { get; init; }
    public double LearningRate { get; init; }
    public double BestValidationLoss { get; init; } = double.PositiveInfinity;
    public int BestEpoch { get; init; }
    /// <summary>ReduceLROnPlateau: epochs without improvement of the validation loss.</summary>
    public int BadEpochs { get; init; }
    public double PlateauBest { get; init; } = double.PositiveInfinity;
    public List<Dictionary<string, double>> History { get; init; } = [];
}

/// <summary>The training options that define a run (compared on resume).</summary>
/// <param name="BatchSize">Per rank.</param>
/// <param name="Ranks">MPI ranks of the run (the effective batch is BatchSize × Ranks).</param>
public sealed record TrainOptionsRecord(string Data, int BatchesPerEpoch, int BatchSize, double LearningRate, double WeightDecay, ulong Seed, int Epochs, int Ranks = 1,
    string? InitWeights = null);

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
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create))
        using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
        {
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
        }
        File.Move(tmp, path, true);
    }

    public static TrainingState ReadState(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            using var s = (zip.GetEntry("state.json") ?? throw new UserInputException($"{path}: not a Mantis checkpoint (no state.json)")).Open();
            return JsonSerializer.Deserialize<TrainingState>(s, Json) ?? throw new UserInputException($"{path}: empty state");
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            throw new UserInputException($"{path}: unreadable checkpoint ({e.Message})", e);
        }
    }

    /// <summary>Loads a checkpoint's network (and, when given, the optimizer state).</summary>
    public static (TrainingState State, PhotoZNetwork Model) Load(string path, NAdam? optimizer = null, PhotoZNetwork? into = null)
    {
        if (!File.Exists(path)) throw new UserInputException($"Checkpoint not found: {path}");
        var state = ReadState(path);
        var model = into ?? PhotoZNetwork.Create(state.Network);
        using var zip = ZipFile.OpenRead(path);
        using (var ms = new MemoryStream())
        {
            using (var s = zip.GetEntry("model.bin")!.Open()) s.CopyTo(ms);
            ms.Position = 0;
            model.load(ms);
        }
        if (optimizer is not null && zip.GetEntry("optimizer.bin") is { } entry)
        {
            using var ms = new MemoryStream();
            using (var s = entry.Open()) s.CopyTo(ms);
            ms.Position = 0;
            using var r = new BinaryReader(ms);
            optimizer.load_state_dict(r);
        }
        return (state, model);
    }
}
