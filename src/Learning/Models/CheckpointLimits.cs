using System.IO.Compression;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// Sizes a checkpoint's entries may have, known before anything is allocated: a zip entry's declared length is checked
/// against what the network's weights take, and reading stops at it, the bytes checked against the entry's CRC-32
/// (<see cref="ZipEntries"/>: a zip bomb inflates no further, and one lying about its size is refused).
/// </summary>
internal static class CheckpointLimits
{
    /// <summary>TorchSharp's module format: a name, type and shape before each tensor's bytes; generous per tensor.</summary>
    private const long PerTensorOverhead = 1024, FixedOverhead = 64 << 10;

    /// <summary>Bytes a model.bin of this network can hold at most.</summary>
    public static long ModelBytes(PhotoZNetwork model)
    {
        long bytes = FixedOverhead;
        foreach (var (_, t) in model.state_dict()) bytes += t.numel() * t.ElementSize + PerTensorOverhead;
        return bytes;
    }

    /// <summary>NAdam keeps two moments and a step per parameter.</summary>
    public static long OptimizerBytes(long modelBytes) => 3 * modelBytes;

    /// <summary>The entry's bytes in memory, or null when absent and not required.</summary>
    public static MemoryStream? ReadEntry(ZipArchive zip, string name, long limit, string path, bool required)
    {
        var entry = Find(zip, name, path, required);
        if (entry is null) return null;
        if (entry.Length > limit)
            throw new UserInputException(
                $"{path}: {name} declares {entry.Length} bytes, more than the {limit} this network's checkpoint can hold");
        var ms = new MemoryStream((int)Math.Min(entry.Length, int.MaxValue));
        ZipEntries.CopyVerified(entry, ms, path);
        ms.Position = 0;
        return ms;
    }

    /// <summary>Reads an entry through (its size and CRC-32 checked) without keeping it.</summary>
    public static void Drain(ZipArchive zip, string name, string path, bool required)
    {
        var entry = Find(zip, name, path, required);
        if (entry is null) return;
        ZipEntries.CopyVerified(entry, Stream.Null, path);
    }

    private static ZipArchiveEntry? Find(ZipArchive zip, string name, string path, bool required) =>
        zip.GetEntry(name) ?? (required ? throw new UserInputException($"{path}: not a complete checkpoint (no {name})") : null);
}
