namespace MantisShrimp.Engine.Fits;

public enum FitsHduKind
{
    /// <summary>The primary HDU (may hold an image or nothing).</summary>
    Primary,
    Image,
    BinaryTable,
    AsciiTable,
    Other,
}

/// <summary>
/// One header-data unit: its parsed header and where its data lie in the file. Data are read on demand
/// through <see cref="FitsFile"/>, so opening a large file (a dust map) touches only its headers.
/// </summary>
public sealed class FitsHdu
{
    internal FitsHdu(int index, FitsHduKind kind, FitsHeader header, long dataOffset, long dataBytes, int bitpix, long[] axes)
    {
        Index = index;
        Kind = kind;
        Header = header;
        DataOffset = dataOffset;
        DataBytes = dataBytes;
        Bitpix = bitpix;
        Axes = axes;
    }

    public int Index { get; }
    public FitsHduKind Kind { get; }
    public FitsHeader Header { get; }

    /// <summary>Byte offset of the data in the file.</summary>
    public long DataOffset { get; }

    /// <summary>Data size in bytes, without the padding to 2880.</summary>
    public long DataBytes { get; }

    public int Bitpix { get; }

    /// <summary>NAXIS1..NAXISn (NAXIS1 varies fastest).</summary>
    public IReadOnlyList<long> Axes { get; }

    /// <summary>EXTNAME, or null.</summary>
    public string? Name => Header.GetStringOrNull("EXTNAME");

    public bool HasImage => Kind is FitsHduKind.Primary or FitsHduKind.Image && Axes.Count > 0 && DataBytes > 0;

    public override string ToString() => $"HDU {Index} {Kind} {Name} [{string.Join("×", Axes)}] BITPIX={Bitpix}";
}
