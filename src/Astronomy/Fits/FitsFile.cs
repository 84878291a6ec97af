using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MantisShrimp.Engine.Fits;

/// <summary>
/// Reads a FITS file: all headers are parsed on open (data are skipped by seeking and checked to be
/// present), images and table columns are read on demand. Every structural problem — non-FITS bytes,
/// a missing END card, truncated data, inconsistent NAXIS, an unknown BITPIX — raises
/// <see cref="FitsFormatException"/> naming the file.
/// </summary>
public sealed class FitsFile : IDisposable
{
    /// <summary>Largest number of axes accepted (the standard allows 999; nothing here needs more).</summary>
    private const int MaxAxes = 999;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly List<FitsHdu> _hdus = [];

    private FitsFile(Stream stream, string label, bool ownsStream)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Label = label;
        try
        {
            ParseStructure();
        }
        catch
        {
            if (ownsStream) stream.Dispose();
            throw;
        }
    }

    /// <summary>The file name used in error messages.</summary>
    public string Label { get; }

    public IReadOnlyList<FitsHdu> Hdus => _hdus;

    public static FitsFile Open(string path)
    {
        if (Common.FileKind.NotRegular(path) is { } kind) throw new FitsFormatException(path, $"cannot open: {kind}, not a regular file");
        FileStream fs;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FitsFormatException(path, $"cannot open: {e.Message}", e);
        }
        return new FitsFile(fs, path, ownsStream: true);
    }

    /// <summary>Opens a seekable stream; <paramref name="label"/> names it in errors.</summary>
    public static FitsFile Open(Stream stream, string label, bool leaveOpen = false)
    {
        if (!stream.CanSeek) throw new ArgumentException("FITS reading needs a seekable stream.", nameof(stream));
        return new FitsFile(stream, label, ownsStream: !leaveOpen);
    }

    /// <summary>Reads the first image (primary or IMAGE extension) of the file at <paramref name="path"/>.</summary>
    public static FitsImage ReadFirstImage(string path)
    {
        using var f = Open(path);
        return f.ReadImage(f.FirstImageHdu());
    }

    /// <summary>The first HDU holding image data.</summary>
    public FitsHdu FirstImageHdu() =>
        _hdus.FirstOrDefault(h => h.HasImage) ?? throw new FitsFormatException(Label, "contains no image data");

    /// <summary>The first extension with this EXTNAME (case-insensitive), or a clear error.</summary>
    public FitsHdu Hdu(string extname) =>
        _hdus.FirstOrDefault(h => string.Equals(h.Name, extname, StringComparison.OrdinalIgnoreCase))
        ?? throw new FitsFormatException(Label,
            $"has no extension named {extname} (has: {string.Join(", ", _hdus.Select(h => h.Name ?? $"#{h.Index}"))})");

    public void Dispose()
    {
        if (_ownsStream) _stream.Dispose();
    }

    private void ParseStructure()
    {
        long fileLength = _stream.Length;
        _stream.Position = 0;
        for (int index = 0; ; index++)
        {
            long headerStart = _stream.Position;
            if (index > 0 && headerStart >= fileLength) break;
            var header = FitsHeader.Read(_stream, Label, first: index == 0, hduIndex: index);
            if (header is null) break;
            header.FinishLongStrings();
            var hdu = Interpret(header, index, _stream.Position);
            long dataEnd = hdu.DataOffset + hdu.DataBytes;
            if (dataEnd > fileLength)
                throw new FitsFormatException(Label,
                    $"HDU {index}: truncated data — the header declares {hdu.DataBytes} data bytes ({Describe(hdu)}) " +
                    $"but only {Math.Max(0, fileLength - hdu.DataOffset)} follow the header");
            _hdus.Add(hdu);
            long padded = Pad(hdu.DataBytes);
            if (hdu.DataOffset + padded >= fileLength) break; // last HDU (its final padding may be missing)
            _stream.Position = hdu.DataOffset + padded;
        }
    }

    private static string Describe(FitsHdu h) => $"BITPIX {h.Bitpix}, axes {string.Join("×", h.Axes)}";

    private static long Pad(long bytes) => (bytes + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;

    private FitsHdu Interpret(FitsHeader h, int index, long dataOffset)
    {
        long[] axes = [];
        var layout = Layout(h, Label, index, ref axes);
        return new FitsHdu(index, layout.Kind, h, dataOffset, layout.DataBytes, layout.Bitpix, axes.AsSpan(0, layout.Naxis).ToArray());
    }

    /// <summary>What one HDU's header says of its data: kind, BITPIX, axes and size.</summary>
    internal readonly record struct HduLayout(FitsHduKind Kind, int Bitpix, int Naxis, long DataBytes);

    private static readonly string[] NaxisKeywords = new string[MaxAxes + 2];

    /// <summary>"NAXISn", built once per n (look-ups run per file).</summary>
    private static string NaxisKeyword(int n) => NaxisKeywords[n] ??= $"NAXIS{n}";

    /// <summary>
    /// The structural keywords of HDU <paramref name="index"/> (SIMPLE or XTENSION, BITPIX, NAXIS, NAXISn, PCOUNT,
    /// GCOUNT, GROUPS), checked; the axes go to <paramref name="axes"/> (grown when too short). The one reading of them,
    /// for <see cref="FitsFile"/> and <see cref="FitsImageReader"/>.
    /// </summary>
    internal static HduLayout Layout<TKeys>(TKeys h, string label, int index, ref long[] axes) where TKeys : IFitsKeywords
    {
        FitsHduKind kind;
        if (index == 0)
        {
            if (!h.TryGetBool("SIMPLE", out bool simple))
                throw new FitsFormatException(label, "not a FITS file (SIMPLE is not a logical value)");
            if (!simple)
                throw new FitsFormatException(label, "SIMPLE = F: the file does not claim to conform to FITS");
            kind = FitsHduKind.Primary;
        }
        else
        {
            var xtension = h.TryGetStringSpan("XTENSION", out var x) ? x.Trim() : [];
            kind = xtension.Equals("IMAGE", StringComparison.OrdinalIgnoreCase) ? FitsHduKind.Image
                : xtension.Equals("BINTABLE", StringComparison.OrdinalIgnoreCase) ? FitsHduKind.BinaryTable
                : xtension.Equals("TABLE", StringComparison.OrdinalIgnoreCase) ? FitsHduKind.AsciiTable
                : FitsHduKind.Other;
        }
        if (!h.TryGetLong("BITPIX", out long bitpix))
            throw new FitsFormatException(label, $"HDU {index}: BITPIX is missing or not an integer");
        if (bitpix is not (8 or 16 or 32 or 64 or -32 or -64))
            throw new FitsFormatException(label, $"HDU {index}: unknown BITPIX {bitpix} (allowed: 8, 16, 32, 64, -32, -64)");
        if (!h.TryGetLong("NAXIS", out long naxis) || naxis < 0 || naxis > MaxAxes)
            throw new FitsFormatException(label, $"HDU {index}: NAXIS is missing or out of range 0..{MaxAxes}");
        if (axes.Length < naxis) axes = new long[naxis];
        for (int a = 0; a < naxis; a++)
        {
            if (!h.TryGetLong(NaxisKeyword(a + 1), out axes[a]))
                throw new FitsFormatException(label, $"HDU {index}: NAXIS = {naxis} but NAXIS{a + 1} is missing or not an integer");
            if (axes[a] < 0)
                throw new FitsFormatException(label, $"HDU {index}: NAXIS{a + 1} = {axes[a]} is negative");
        }
        if (h.TryGetLong(NaxisKeyword((int)naxis + 1), out long extra))
            throw new FitsFormatException(label,
                $"HDU {index}: NAXIS = {naxis} but NAXIS{naxis + 1} = {extra} is also present (NAXIS mismatch)");
        long pcount = h.TryGetLong("PCOUNT", out long p) ? p : 0;
        long gcount = h.TryGetLong("GCOUNT", out long g) ? g : 1;
        if (pcount < 0 || gcount < 0)
            throw new FitsFormatException(label, $"HDU {index}: negative PCOUNT/GCOUNT");
        bool groups = index == 0 && naxis > 0 && axes[0] == 0 && h.TryGetBool("GROUPS", out bool gr) && gr;
        long elements;
        try
        {
            elements = naxis == 0 ? 0 : 1;
            for (int a = groups ? 1 : 0; a < naxis; a++) elements = checked(elements * axes[a]);
            long bytes = naxis == 0 ? 0 : checked(Math.Abs(bitpix) / 8 * gcount * (pcount + elements));
            if (groups) kind = FitsHduKind.Other;
            return new HduLayout(kind, (int)bitpix, (int)naxis, bytes);
        }
        catch (OverflowException)
        {
            throw new FitsFormatException(label,
                $"HDU {index}: data size overflows ({string.Join("×", axes.AsSpan(0, (int)naxis).ToArray())})");
        }
    }

    /// <summary>Reads <paramref name="hdu"/>'s image as float32 in physical units (BSCALE/BZERO applied, BLANK → NaN).</summary>
    public FitsImage ReadImage(FitsHdu hdu)
    {
        var image = CheckImage(hdu.Header, Label, hdu.Index, hdu.Kind, hdu.Bitpix, hdu.DataBytes,
            hdu.Axes is long[] a ? a : hdu.Axes.ToArray());
        if (hdu.DataOffset + image.Bytes > _stream.Length) // before allocating for what the header claims
            throw new FitsFormatException(Label,
                $"HDU {hdu.Index}: truncated data ({Math.Max(0, _stream.Length - hdu.DataOffset)} of {image.Bytes} bytes)");
        var raw = new byte[image.Bytes];
        _stream.Position = hdu.DataOffset;
        int got = FitsHeader.ReadFully(_stream, raw);
        if (got != raw.Length)
            throw new FitsFormatException(Label, $"HDU {hdu.Index}: truncated data ({got} of {raw.Length} bytes)");

        var data = new float[image.Count];
        FitsPixels.Decode(raw, hdu.Bitpix, image.Bscale, image.Bzero, image.HasBlank, image.Blank, data);
        return new FitsImage(image.Width, image.Height, image.Planes, data, hdu.Header);
    }

    /// <summary>The checks before an image is read (kind, dimensions, sizes, BSCALE/BZERO, BLANK): the one place for them.</summary>
    internal static (int Width, int Height, int Planes, long Count, int Bytes, double Bscale, double Bzero, bool HasBlank, long Blank)
        CheckImage<TKeys>(TKeys h, string label, int index, FitsHduKind kind, int bitpix, long dataBytes, ReadOnlySpan<long> axes)
        where TKeys : IFitsKeywords
    {
        if (kind is not (FitsHduKind.Primary or FitsHduKind.Image))
            throw new FitsFormatException(label, $"HDU {index} is a {kind}, not an image");
        if (axes.Length == 0 || dataBytes == 0)
            throw new FitsFormatException(label, $"HDU {index} has no image data (NAXIS = {axes.Length})");
        for (int a = 3; a < axes.Length; a++)
            if (axes[a] != 1)
                throw new FitsFormatException(label,
                    $"HDU {index}: {axes.Length}-dimensional images are not supported (NAXIS{a + 1} = {axes[a]})");
        long width = axes[0], height = axes.Length > 1 ? axes[1] : 1, planes = axes.Length > 2 ? axes[2] : 1;
        long count = width * height * planes;
        if (count > Array.MaxLength)
            throw new FitsFormatException(label, $"HDU {index}: image of {count} pixels is too large");
        if (width == 0 || height == 0 || planes == 0)
            throw new FitsFormatException(label, $"HDU {index}: image has a zero-length axis");

        double bscale = h.TryGetDouble("BSCALE", out double bs) ? bs : 1.0, bzero = h.TryGetDouble("BZERO", out double bz) ? bz : 0.0;
        if (!double.IsFinite(bscale) || !double.IsFinite(bzero) || bscale == 0)
            throw new FitsFormatException(label, $"HDU {index}: invalid BSCALE/BZERO ({bscale}, {bzero})");
        bool hasBlank = bitpix > 0 && h.TryGetLong("BLANK", out _);
        long blank = hasBlank && h.TryGetLong("BLANK", out long b) ? b : 0;

        int bytesPer = Math.Abs(bitpix) / 8;
        long bytes = count * bytesPer;
        if (bytes > Array.MaxLength)
            throw new FitsFormatException(label,
                $"HDU {index}: image of {width}×{height}×{planes} pixels ({bytes} bytes) is too large to read");
        return ((int)width, (int)height, (int)planes, count, (int)bytes, bscale, bzero, hasBlank, blank);
    }

    /// <summary>Reads a BINTABLE extension's structure; columns are read on demand.</summary>
    public FitsTable ReadTable(FitsHdu hdu)
    {
        if (hdu.Kind == FitsHduKind.AsciiTable)
            throw new FitsFormatException(Label, $"HDU {hdu.Index} is an ASCII TABLE; only BINTABLE extensions are supported");
        if (hdu.Kind != FitsHduKind.BinaryTable)
            throw new FitsFormatException(Label, $"HDU {hdu.Index} is a {hdu.Kind}, not a BINTABLE");
        return FitsTable.Create(this, hdu);
    }

    /// <summary>The first BINTABLE extension.</summary>
    public FitsTable ReadFirstTable() =>
        ReadTable(_hdus.FirstOrDefault(h => h.Kind == FitsHduKind.BinaryTable)
            ?? throw new FitsFormatException(Label, "contains no BINTABLE extension"));

    internal void ReadAt(long offset, Span<byte> buffer)
    {
        _stream.Position = offset;
        if (FitsHeader.ReadFully(_stream, buffer) != buffer.Length)
            throw new FitsFormatException(Label, $"truncated data at byte {offset}");
    }
}

/// <summary>Big-endian FITS pixel decoding and encoding.</summary>
internal static class FitsPixels
{
    public static void Decode(ReadOnlySpan<byte> raw, int bitpix, double bscale, double bzero, bool hasBlank, long blank,
        Span<float> output)
    {
        bool identity = bscale == 1.0 && bzero == 0.0;
        switch (bitpix)
        {
            case -32:
            {
                var ints = MemoryMarshal.Cast<float, int>(output);
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(raw), ints);
                if (!identity)
                    for (int i = 0; i < output.Length; i++) output[i] = (float)(output[i] * bscale + bzero);
                break;
            }
            case -64:
                for (int i = 0; i < output.Length; i++)
                    output[i] = (float)(BinaryPrimitives.ReadDoubleBigEndian(raw[(i * 8)..]) * bscale + bzero);
                break;
            case 8:
                for (int i = 0; i < output.Length; i++)
                    output[i] = hasBlank && raw[i] == blank ? float.NaN : (float)(raw[i] * bscale + bzero);
                break;
            case 16:
                for (int i = 0; i < output.Length; i++)
                {
                    short v = BinaryPrimitives.ReadInt16BigEndian(raw[(i * 2)..]);
                    output[i] = hasBlank && v == blank ? float.NaN : (float)(v * bscale + bzero);
                }
                break;
            case 32:
                for (int i = 0; i < output.Length; i++)
                {
                    int v = BinaryPrimitives.ReadInt32BigEndian(raw[(i * 4)..]);
                    output[i] = hasBlank && v == blank ? float.NaN : (float)(v * bscale + bzero);
                }
                break;
            case 64:
                for (int i = 0; i < output.Length; i++)
                {
                    long v = BinaryPrimitives.ReadInt64BigEndian(raw[(i * 8)..]);
                    output[i] = hasBlank && v == blank ? float.NaN : (float)(v * bscale + bzero);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(bitpix), bitpix, "unknown BITPIX");
        }
    }
}
