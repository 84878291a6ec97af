using System.IO.Compression;
using System.Text.Json;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// Checks a weights file's own size claims against its length before a reader allocates for them: a safetensors
/// header length, each tensor's byte range, a zip (torch.save) entry's inflated size and CRC-32.
/// </summary>
public static class WeightFileLimits
{
    /// <summary>Largest safetensors JSON header read (the format's own readers cap it at 100 MB).</summary>
    public const long MaxHeaderBytes = 100L << 20;

    /// <summary>How far the entries of a zipped state dict may inflate beyond the file (torch.save stores, ratio 1).</summary>
    public const long MaxInflation = 16;

    public static void Check(string path)
    {
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) CheckSafetensors(path);
        else CheckZip(path);
    }

    private static void CheckSafetensors(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var prefix = new byte[8];
        if (fs.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            throw new UserInputException($"{path}: too short for safetensors (no header length)");
        ulong n = BitConverter.ToUInt64(prefix); // little-endian by the format, as on every platform .NET runs on here
        if (n > (ulong)Math.Min(MaxHeaderBytes, fs.Length - 8))
            throw new UserInputException(
                $"{path}: safetensors header length {n} exceeds the file ({fs.Length} bytes) or {MaxHeaderBytes} bytes");
        var header = new byte[n];
        fs.ReadExactly(header);
        long data = fs.Length - 8 - (long)n;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: safetensors header is not JSON ({e.Message})");
        }
        using (doc)
            foreach (var t in doc.RootElement.EnumerateObject())
            {
                if (t.Name == "__metadata__" || t.Value.ValueKind != JsonValueKind.Object) continue;
                if (!t.Value.TryGetProperty("data_offsets", out var o) || o.GetArrayLength() != 2
                    || !o[0].TryGetInt64(out long begin) || !o[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > data)
                    throw new UserInputException($"{path}: tensor {t.Name}: data_offsets outside the file's {data} data bytes");
            }
    }

    private static void CheckZip(string path)
    {
        long length = new FileInfo(path).Length;
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            return; // a legacy (non-zip) pickle: its reader checks its own lengths
        }
        using (zip)
        {
            long total = 0;
            foreach (var e in zip.Entries) total += e.Length;
            if (total > MaxInflation * length + (1 << 20))
                throw new UserInputException(
                    $"{path}: its zip entries declare {total} bytes, over {MaxInflation}× the file's {length} (a zip bomb?)");
            // The declared sizes are bounded; now the bytes behind them (an entry may inflate past its claim: refused here,
            // not silently cut by the state-dict reader).
            foreach (var e in zip.Entries) ZipEntries.CopyVerified(e, Stream.Null, path);
        }
    }
}
