using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

/// <summary>
/// One memory-mapped shard file. Records are read as spans over the mapping — no copy.
/// </summary>
public sealed unsafe class Shard : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private string[]? _ids;

    internal Shard(string directory, ShardInfo info)
    {
        Info = info;
        Path = System.IO.Path.Combine(directory, info.File);
        MetaPath = System.IO.Path.Combine(directory, info.Meta);
        if (!File.Exists(Path)) throw new UserInputException($"{Path}: shard file listed in the manifest is missing");
        long expected = ShardLayout.FileBytes(info.Records);
        long actual = new FileInfo(Path).Length;
        if (actual != expected)
            throw new UserInputException($"{Path}: {actual} bytes, the manifest's {info.Records} records need {expected}");
        _map = MemoryMappedFile.CreateFromFile(Path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
        var fh = Unsafe.Read<ShardFileHeader>(_base);
        if (fh.Magic != ShardLayout.FileMagic || fh.Version != ShardLayout.FormatVersion || fh.RecordStride != ShardLayout.RecordStride
            || fh.RecordCount != info.Records)
        {
            Dispose();
            throw new UserInputException($"{Path}: not a version-{ShardLayout.FormatVersion} shard of {info.Records} records (bad file " +
                $"header)");
        }
    }

    public ShardInfo Info { get; }
    public string Path { get; }
    public string MetaPath { get; }
    public int Count => (int)Info.Records;

    public ref readonly ShardRecordHeader Header(int slot) =>
        ref Unsafe.AsRef<ShardRecordHeader>(RecordPointer(slot));

    /// <summary>All 9 bands' native pixels of a record, as a span over the mapped file.</summary>
    public ReadOnlySpan<float> Pixels(int slot) =>
        new(RecordPointer(slot) + ShardLayout.RecordHeaderBytes, ShardLayout.PixelCount);

    /// <summary>One band of a record (row-major [y, x]).</summary>
    public ReadOnlySpan<float> Band(int slot, Band band)
    {
        var info = BandTable.Get(band);
        return Pixels(slot).Slice(BandTable.NativePixelOffset(band), info.NativeSize * info.NativeSize);
    }

    /// <summary>The whole record (header + pixels + padding) as bytes, for bulk gathers.</summary>
    public ReadOnlySpan<byte> RecordBytes(int slot) => new(RecordPointer(slot), ShardLayout.RecordStride);

    /// <summary>Source ids in slot order (from the shard's meta file).</summary>
    public IReadOnlyList<string> Ids => _ids ??= Meta.Rows.Select(r => r[1]).ToArray();

    private (string[] Header, string[][] Rows)? _meta;

    /// <summary>The meta file: header (slot, id, row, ra, dec, z, ebv_csfd, ebv_planck, catalog extras…) and one row per slot.</summary>
    public (string[] Header, string[][] Rows) Meta => _meta ??= LoadMeta();

    private byte* RecordPointer(int slot)
    {
        if ((uint)slot >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(slot), $"Slot {slot} of a {Count}-record shard.");
        return _base + ShardLayout.RecordOffset(slot);
    }

    private (string[], string[][]) LoadMeta()
    {
        using var reader = new StreamReader(MetaPath);
        var records = Csv.Read(reader, MetaPath).Select(r => r.Fields).ToArray();
        if (records.Length == 0) throw new UserInputException($"{MetaPath}: empty meta file");
        if (records.Length - 1 != Count) throw new UserInputException($"{MetaPath}: {records.Length - 1} rows for {Count} records");
        return (records[0], records[1..]);
    }

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
