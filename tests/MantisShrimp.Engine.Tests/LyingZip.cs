using System.Buffers.Binary;
using System.IO.Compression;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// Crafts a zip whose entry lies about its inflated size: the entry's real bytes plus <c>extra</c> more are deflated, then
/// the uncompressed size in its local header and in the central directory is patched back to the real bytes' length
/// (the CRC-32 stays that of everything deflated, as a tool that only rewrote the sizes would leave it).
/// </summary>
public static class LyingZip
{
    public static void Write(string source, string target, string entryName, int extra)
    {
        int declared;
        using (var from = ZipFile.OpenRead(source))
        using (var to = ZipFile.Open(target, ZipArchiveMode.Create))
        {
            var lying = from.GetEntry(entryName) ?? throw new ArgumentException($"{source} has no {entryName}");
            declared = checked((int)lying.Length);
            foreach (var e in from.Entries)
            {
                using var input = e.Open();
                bool lie = e.FullName == entryName;
                using var output = to.CreateEntry(e.FullName, lie ? CompressionLevel.SmallestSize : CompressionLevel.NoCompression).Open();
                input.CopyTo(output);
                if (lie) output.Write(new byte[extra]);
            }
        }
        var bytes = File.ReadAllBytes(target);
        int patched = 0;
        for (int cd = 0; cd + 46 <= bytes.Length; cd++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(cd)) != 0x02014b50) continue; // central directory header
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(cd + 28));
            if (System.Text.Encoding.UTF8.GetString(bytes, cd + 46, nameLength) != entryName) continue;
            int local = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(cd + 42)));
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(local)) != 0x04034b50) throw new InvalidDataException("no local " +
                "header");
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(cd + 24), (uint)declared);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), (uint)declared);
            patched++;
        }
        if (patched != 1) throw new InvalidDataException($"{entryName}: {patched} central-directory records patched");
        File.WriteAllBytes(target, bytes);
    }
}
