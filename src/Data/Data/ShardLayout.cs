using System.Runtime.InteropServices;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

/// <summary>
/// The fixed-size record of a shard (little-endian, memory-mappable):
/// a 128-byte <see cref="ShardRecordHeader"/>, then the 9 bands' native pixels as float32 in channel order
/// (FUV 32², NUV 32², g r i z y 170², W1 32², W2 32² = 148 596 values), zero padding to a 4 KiB multiple.
/// A shard file is a 4 KiB file header followed by its records.
/// </summary>
public static class ShardLayout
{
    /// <summary>Magic at the start of each shard file.</summary>
    public const ulong FileMagic = 0x31445248534D4D53; // "SMMSHRD1" little-endian

    public const int FormatVersion = 1;

    /// <summary>Bytes of the file header page before record 0 (page-aligned so records map on page boundaries).</summary>
    public const int FileHeaderBytes = 4096;

    /// <summary>Bytes of the per-record header; the pixel block starts here (64-byte aligned for SIMD loads).</summary>
    public const int RecordHeaderBytes = 128;

    /// <summary>Record stride is rounded up to this, so every record starts on a page boundary.</summary>
    public const int RecordAlignment = 4096;

    /// <summary>Marker written into each record; a zero marker means the slot was never written.</summary>
    public const uint RecordMarker = 0x4D524543; // "CERM"

    public static readonly int PixelCount = BandCatalog.NativePixelsPerSample;

    public static readonly int PixelBytes = PixelCount * sizeof(float);

    public static readonly int RecordStride = (RecordHeaderBytes + PixelBytes + RecordAlignment - 1) / RecordAlignment * RecordAlignment;

    public static long FileBytes(long records) => FileHeaderBytes + records * RecordStride;

    public static long RecordOffset(long slot) => FileHeaderBytes + slot * RecordStride;
}

/// <summary>The 128-byte header of every shard record.</summary>
[StructLayout(LayoutKind.Explicit, Size = ShardLayout.RecordHeaderBytes)]
public unsafe struct ShardRecordHeader
{
    /// <summary>0-based data row of the source in the ingested catalog.</summary>
    [FieldOffset(0)] public long CatalogRow;
    [FieldOffset(8)] public double Ra;
    [FieldOffset(16)] public double Dec;
    /// <summary>Spectroscopic redshift.</summary>
    [FieldOffset(24)] public float Z;
    [FieldOffset(28)] public float EbvCsfd;
    [FieldOffset(32)] public float EbvPlanck;
    [FieldOffset(36)] public SampleFlags Flags;
    [FieldOffset(40)] public uint Marker;
    /// <summary>AB magnitude of a pixel value of 1, per band in channel order (PS1 from EXPTIME).</summary>
    [FieldOffset(44)] public fixed float ZeroPoints[BandCatalog.BandCount];
    // 80..127 reserved (zero)

    public readonly bool IsWritten => Marker == ShardLayout.RecordMarker;
}

/// <summary>The 4 KiB header page of a shard file (the rest of the page is zero).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct ShardFileHeader
{
    public ulong Magic;
    public int Version;
    public int RecordHeaderBytes;
    public long RecordStride;
    public long RecordCount;
    public int PixelCount;
    /// <summary>Pixel storage: -32 = float32 (FITS BITPIX convention).</summary>
    public int PixelType;
}
