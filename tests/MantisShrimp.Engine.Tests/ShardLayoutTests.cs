using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// The record layout the manifest publishes (<see cref="ShardLayout.HeaderFields"/>) against the struct the engine reads and
/// writes: every field of <see cref="ShardRecordHeader"/> is listed, each entry decodes the bytes of a real header to the
/// value stored through the struct, and the list is format version 1's as published (a literal here, not the engine's
/// own output).
/// </summary>
public class ShardLayoutTests
{
    // record_layout.header_fields of format version 1, as ingest wrote it before the table was derived from the struct.
    private static readonly (string Name, int Offset, string Type)[] PublishedVersion1 =
    [
        ("catalog_row", 0, "int64"), ("ra", 8, "float64"), ("dec", 16, "float64"), ("z", 24, "float32"),
        ("ebv_csfd", 28, "float32"), ("ebv_planck", 32, "float32"), ("flags", 36, "uint32"),
        ("marker", 40, "uint32"), ("zero_points_ab", 44, "float32[9]"),
    ];

    [Fact]
    public void The_published_layout_is_format_version_1s()
    {
        Assert.Equal(1, ShardLayout.FormatVersion);
        Assert.Equal(PublishedVersion1, ShardLayout.HeaderFields.Select(f => (f.Name, f.Offset, f.Type)).ToArray());
        Assert.Equal(ShardLayout.RecordHeaderBytes, Unsafe.SizeOf<ShardRecordHeader>());
    }

    [Fact]
    public void Every_field_of_the_record_header_struct_is_in_the_layout()
    {
        var fields = typeof(ShardRecordHeader).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.Equal(fields.Length, ShardLayout.HeaderFields.Length);
        foreach (var f in fields)
            Assert.Contains((int)Marshal.OffsetOf<ShardRecordHeader>(f.Name), ShardLayout.HeaderFields.Select(h => h.Offset));
    }

    [Fact]
    public unsafe void Each_entry_decodes_the_value_the_struct_stored()
    {
        var h = new ShardRecordHeader
        {
            CatalogRow = 0x0102030405060708, Ra = 123.456, Dec = -54.321, Z = 0.625f, EbvCsfd = 0.03125f, EbvPlanck = 0.046875f,
            Flags = (SampleFlags)0x80000005u, Marker = ShardLayout.RecordMarker,
        };
        for (int b = 0; b < BandTable.BandCount; b++) h.ZeroPoints[b] = 20.5f + b;
        var expected = new Dictionary<string, double[]>
        {
            ["catalog_row"] = [0x0102030405060708], ["ra"] = [123.456], ["dec"] = [-54.321], ["z"] = [0.625], ["ebv_csfd"] = [0.03125],
            ["ebv_planck"] = [0.046875], ["flags"] = [0x80000005u], ["marker"] = [ShardLayout.RecordMarker],
            ["zero_points_ab"] = Enumerable.Range(0, BandTable.BandCount).Select(b => 20.5 + b).ToArray(),
        };
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<ShardRecordHeader>(in h)).ToArray();
        foreach (var field in ShardLayout.HeaderFields)
            Assert.True(expected[field.Name].SequenceEqual(Decode(bytes, field)), field.Name);
        Assert.Equal(expected.Keys.Order(), ShardLayout.HeaderFields.Select(f => f.Name).Order());
    }

    /// <summary>A field's values as a reader of the manifest would take them: its type string, its offset, little-endian.</summary>
    private static double[] Decode(byte[] bytes, Data.FieldInfo field)
    {
        var parts = field.Type.Split('[', ']');
        int count = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = parts[0] switch
            {
                "int64" => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(field.Offset + 8 * i)),
                "float64" => BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(field.Offset + 8 * i)),
                "float32" => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(field.Offset + 4 * i)),
                "uint32" => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(field.Offset + 4 * i)),
                _ => throw new InvalidOperationException($"{field.Name}: type {field.Type}"),
            };
        }
        return values;
    }

#pragma warning disable CS0649 // layouts to describe, never instantiated
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    private struct UnnamedField
    {
        [FieldOffset(0), ShardField("a")] public long A;
        [FieldOffset(8)] public double Added;
    }

    [StructLayout(LayoutKind.Explicit, Size = 32)]
    private struct Overlapping
    {
        [FieldOffset(0), ShardField("a")] public long A;
        [FieldOffset(4), ShardField("b")] public float B;
    }

    [StructLayout(LayoutKind.Explicit, Size = 8)]
    private struct Overflowing
    {
        [FieldOffset(4), ShardField("a")] public long A;
    }
#pragma warning restore CS0649

    [Fact]
    public void A_field_added_without_a_manifest_name_or_overlapping_another_is_refused()
    {
        Assert.Contains("Added has no [ShardField] name",
            Assert.Throws<InvalidOperationException>(() => ShardLayout.DescribeHeaderFields(typeof(UnnamedField), 32)).Message);
        Assert.Contains("B at 4",
            Assert.Throws<InvalidOperationException>(() => ShardLayout.DescribeHeaderFields(typeof(Overlapping), 32)).Message);
        Assert.Contains("A at 4",
            Assert.Throws<InvalidOperationException>(() => ShardLayout.DescribeHeaderFields(typeof(Overflowing), 8)).Message);
    }
}
