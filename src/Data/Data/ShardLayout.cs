using System.Reflection;
using System.Runtime.CompilerServices;
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

    public static readonly int PixelCount = BandTable.NativePixelsPerSample;

    public static readonly int PixelBytes = PixelCount * sizeof(float);

    public static readonly int RecordStride = (RecordHeaderBytes + PixelBytes + RecordAlignment - 1) / RecordAlignment * RecordAlignment;

    public static long FileBytes(long records) => FileHeaderBytes + records * RecordStride;

    public static long RecordOffset(long slot) => FileHeaderBytes + slot * RecordStride;

    /// <summary>
    /// The record header's fields as the manifest publishes them, in offset order: each name from its
    /// <see cref="ShardFieldAttribute"/>, offset and type from <see cref="ShardRecordHeader"/>'s own layout.
    /// </summary>
    public static readonly FieldInfo[] HeaderFields = DescribeHeaderFields(typeof(ShardRecordHeader), RecordHeaderBytes);

    /// <summary>The fields of an explicit-layout header struct; an unnamed, unsupported, overlapping or overflowing field is
    /// an error of the program.</summary>
    internal static FieldInfo[] DescribeHeaderFields(Type header, int headerBytes)
    {
        var fields = header.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(f => (Field: f, Offset: (int)Marshal.OffsetOf(header, f.Name))).OrderBy(f => f.Offset).ToArray();
        var result = new FieldInfo[fields.Length];
        int end = 0;
        for (int i = 0; i < fields.Length; i++)
        {
            var (f, offset) = fields[i];
            string name = f.GetCustomAttribute<ShardFieldAttribute>()?.Name
                ?? throw new InvalidOperationException($"{header.Name}.{f.Name} has no [ShardField] name for the manifest");
            var (type, bytes) = f.GetCustomAttribute<FixedBufferAttribute>() is { } fixedBuffer
                ? ($"{Scalar(fixedBuffer.ElementType).Name}[{fixedBuffer.Length}]",
                    Scalar(fixedBuffer.ElementType).Bytes * fixedBuffer.Length)
                : Scalar(f.FieldType);
            if (offset < end || offset + bytes > headerBytes)
                throw new InvalidOperationException($"{header.Name}.{f.Name} at {offset} ({bytes} bytes) overlaps a field or leaves the " +
                    $"{headerBytes}-byte header");
            end = offset + bytes;
            result[i] = new FieldInfo(name, offset, type);
        }
        return result;

        (string Name, int Bytes) Scalar(Type t)
        {
            var u = t.IsEnum ? Enum.GetUnderlyingType(t) : t;
            return u == typeof(long) ? ("int64", 8) : u == typeof(ulong) ? ("uint64", 8) : u == typeof(double) ? ("float64", 8)
                : u == typeof(int) ? ("int32", 4) : u == typeof(uint) ? ("uint32", 4) : u == typeof(float) ? ("float32", 4)
                : throw new InvalidOperationException($"{header.Name}: field type {t.Name} has no manifest type name");
        }
    }
}

/// <summary>The 128-byte header of every shard record.</summary>
[StructLayout(LayoutKind.Explicit, Size = ShardLayout.RecordHeaderBytes)]
public unsafe struct ShardRecordHeader
{
    /// <summary>0-based data row of the source in the ingested catalog.</summary>
    [FieldOffset(0), ShardField("catalog_row")] public long CatalogRow;
    [FieldOffset(8), ShardField("ra")] public double Ra;
    [FieldOffset(16), ShardField("dec")] public double Dec;
    /// <summary>Spectroscopic redshift.</summary>
    [FieldOffset(24), ShardField("z")] public float Z;
    [FieldOffset(28), ShardField("ebv_csfd")] public float EbvCsfd;
    [FieldOffset(32), ShardField("ebv_planck")] public float EbvPlanck;
    [FieldOffset(36), ShardField("flags")] public SampleFlags Flags;
    [FieldOffset(40), ShardField("marker")] public uint Marker;
    /// <summary>AB magnitude of a pixel value of 1, per band in channel order (PS1 from EXPTIME).</summary>
    [FieldOffset(44), ShardField("zero_points_ab")] public fixed float ZeroPoints[BandTable.BandCount];
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
