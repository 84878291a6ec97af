using System.IO.Compression;
using System.IO.Hashing;

namespace MantisShrimp.Engine.Common;

/// <summary>
/// Reads a zip entry's bytes and checks them against what the central directory declares: the inflated size and the
/// CRC-32. .NET's reader stops inflating at the declared size without a word, so an entry that lies about its size
/// (claims little, inflates to much more: a zip bomb past a size check) costs no more than its claim, but its bytes
/// were silently cut; the CRC-32, which .NET does not check, is what tells such an entry (or damaged data) apart.
/// </summary>
public static class ZipEntries
{
    /// <summary>Copies <paramref name="entry"/> into <paramref name="to"/>; any mismatch is a user error naming the file and
    /// entry.</summary>
    public static void CopyVerified(ZipArchiveEntry entry, Stream to, string path)
    {
        long declared = entry.Length;
        var crc = new Crc32();
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        using var from = entry.Open();
        while ((n = Read(from, buffer, entry, path)) > 0)
        {
            total += n;
            // Stops a reader that does inflate past the claim (.NET's does not) at the claim, before the bytes are kept.
            if (total > declared) throw new UserInputException($"{path}: {entry.FullName} inflates past its declared {declared} bytes");
            crc.Append(buffer.AsSpan(0, n));
            to.Write(buffer, 0, n);
        }
        if (total != declared) throw new UserInputException($"{path}: {entry.FullName} holds {total} of its declared {declared} bytes " +
            $"(truncated)");
        uint actual = crc.GetCurrentHashAsUInt32();
        if (actual != entry.Crc32)
            throw new UserInputException($"{path}: {entry.FullName} fails its CRC-32 check (0x{actual:x8}, declared 0x{entry.Crc32:x8}): "
                + $"its data is damaged, or the entry inflates to more than its declared {declared} bytes");
    }

    private static int Read(Stream from, byte[] buffer, ZipArchiveEntry entry, string path)
    {
        try
        {
            return from.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new UserInputException($"{path}: {entry.FullName} does not inflate ({e.Message})", e);
        }
    }
}
