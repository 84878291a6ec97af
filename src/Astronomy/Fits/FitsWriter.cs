using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MantisShrimp.Engine.Fits;

/// <summary>Pixel encoding for written images.</summary>
public enum FitsPixelType
{
    Float32 = -32,
    Float64 = -64,
    UInt8 = 8,
    Int16 = 16,
    Int32 = 32,
}

/// <summary>A column to write into a BINTABLE: name, TFORM type code (E, D, J, K, I, B, L, A), repeat and values.</summary>
public sealed record FitsTableColumn(string Name, char TypeCode, int Repeat, Array Values, string? Unit = null);

/// <summary>
/// Writes standard-conforming FITS: a primary HDU (image or empty), IMAGE extensions and BINTABLE
/// extensions, each padded to 2880-byte blocks. Extra header cards are passed in by the caller;
/// the structural keywords (SIMPLE/XTENSION, BITPIX, NAXISn, PCOUNT, GCOUNT, TFIELDS, …) are written here.
/// </summary>
public sealed class FitsWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private bool _wrotePrimary;

    public FitsWriter(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _ownsStream = !leaveOpen;
    }

    /// <summary>Writes a whole file to <paramref name="path"/> atomically (temp file + rename).</summary>
    public static void WriteFile(string path, Action<FitsWriter> write)
    {
        Common.AtomicFile.Write(path, fs =>
        {
            using var w = new FitsWriter(fs, leaveOpen: true);
            write(w);
        });
    }

    /// <summary>A primary HDU with no data (NAXIS = 0), as needed before table extensions.</summary>
    public void WriteEmptyPrimary(IEnumerable<FitsCard>? cards = null)
    {
        EnsureFirst(true);
        var h = new FitsHeader();
        h.Add(FitsCard.Of("SIMPLE", true, "conforms to FITS standard"));
        h.Add(FitsCard.Of("BITPIX", 8L));
        h.Add(FitsCard.Of("NAXIS", 0L));
        h.Add(FitsCard.Of("EXTEND", true));
        AddUser(h, cards);
        _stream.Write(h.ToBytes());
    }

    /// <summary>
    /// Writes an image (planes × height × width, FITS order) as the primary HDU (first call) or an IMAGE extension.
    /// For integer types pass <paramref name="bscale"/>/<paramref name="bzero"/>; NaN becomes BLANK.
    /// </summary>
    public void WriteImage(ReadOnlySpan<float> data, int width, int height, int planes = 1,
        IEnumerable<FitsCard>? cards = null, FitsPixelType type = FitsPixelType.Float32,
        double bscale = 1.0, double bzero = 0.0, long? blank = null)
    {
        if ((long)width * height * planes != data.Length)
            throw new ArgumentException($"Image data has {data.Length} values; {width}×{height}×{planes} needs " +
                $"{(long)width * height * planes}.");
        bool primary = !_wrotePrimary;
        EnsureFirst(primary);
        var h = new FitsHeader();
        if (primary) h.Add(FitsCard.Of("SIMPLE", true, "conforms to FITS standard"));
        else h.Add(FitsCard.Of("XTENSION", "IMAGE", "image extension"));
        h.Add(FitsCard.Of("BITPIX", (long)(int)type));
        h.Add(FitsCard.Of("NAXIS", planes > 1 ? 3L : 2L));
        h.Add(FitsCard.Of("NAXIS1", (long)width));
        h.Add(FitsCard.Of("NAXIS2", (long)height));
        if (planes > 1) h.Add(FitsCard.Of("NAXIS3", (long)planes));
        if (primary) h.Add(FitsCard.Of("EXTEND", true));
        else
        {
            h.Add(FitsCard.Of("PCOUNT", 0L));
            h.Add(FitsCard.Of("GCOUNT", 1L));
        }
        bool integer = type > 0;
        if (integer)
        {
            if (bscale != 1.0 || bzero != 0.0)
            {
                h.Add(FitsCard.Of("BSCALE", bscale));
                h.Add(FitsCard.Of("BZERO", bzero));
            }
            blank ??= type switch { FitsPixelType.UInt8 => 255, FitsPixelType.Int16 => short.MinValue, _ => int.MinValue };
            h.Add(FitsCard.Of("BLANK", blank.Value));
        }
        AddUser(h, cards);
        _stream.Write(h.ToBytes());
        int bytesPer = Math.Abs((int)type) / 8;
        var raw = new byte[(long)data.Length * bytesPer];
        Encode(data, type, bscale, bzero, blank ?? 0, raw);
        _stream.Write(raw);
        PadData(raw.LongLength);
    }

    /// <summary>Writes a BINTABLE extension (a primary HDU with no data is written first if needed).</summary>
    public void WriteTable(IReadOnlyList<FitsTableColumn> columns, IEnumerable<FitsCard>? cards = null, string? extname = null)
    {
        if (!_wrotePrimary) WriteEmptyPrimary();
        long rows = -1;
        int rowBytes = 0;
        foreach (var c in columns)
        {
            long n = c.TypeCode == 'A' ? c.Values.Length : c.Values.Length / Math.Max(1, c.Repeat);
            if (c.TypeCode != 'A' && c.Values.Length % Math.Max(1, c.Repeat) != 0)
                throw new ArgumentException($"Column {c.Name}: {c.Values.Length} values is not a multiple of repeat {c.Repeat}.");
            if (rows >= 0 && n != rows) throw new ArgumentException($"Column {c.Name} has {n} rows; others have {rows}.");
            rows = n;
            rowBytes += c.Repeat * FitsColumn.ElementSize(c.TypeCode);
        }
        rows = Math.Max(rows, 0);
        var h = new FitsHeader();
        h.Add(FitsCard.Of("XTENSION", "BINTABLE", "binary table extension"));
        h.Add(FitsCard.Of("BITPIX", 8L));
        h.Add(FitsCard.Of("NAXIS", 2L));
        h.Add(FitsCard.Of("NAXIS1", (long)rowBytes, "bytes per row"));
        h.Add(FitsCard.Of("NAXIS2", rows, "rows"));
        h.Add(FitsCard.Of("PCOUNT", 0L));
        h.Add(FitsCard.Of("GCOUNT", 1L));
        h.Add(FitsCard.Of("TFIELDS", (long)columns.Count));
        for (int i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            h.Add(FitsCard.Of($"TTYPE{i + 1}", c.Name));
            h.Add(FitsCard.Of($"TFORM{i + 1}", $"{c.Repeat}{c.TypeCode}"));
            if (c.Unit is not null) h.Add(FitsCard.Of($"TUNIT{i + 1}", c.Unit));
        }
        if (extname is not null) h.Add(FitsCard.Of("EXTNAME", extname));
        AddUser(h, cards);
        _stream.Write(h.ToBytes());

        // Write row by row in blocks.
        const int rowsPerBlock = 1 << 14;
        var buffer = new byte[(long)rowBytes * Math.Min(rows, rowsPerBlock)];
        for (long r0 = 0; r0 < rows; r0 += rowsPerBlock)
        {
            int n = (int)Math.Min(rowsPerBlock, rows - r0);
            var span = buffer.AsSpan(0, n * rowBytes);
            span.Clear();
            int colOffset = 0;
            foreach (var c in columns)
            {
                int size = FitsColumn.ElementSize(c.TypeCode);
                for (int r = 0; r < n; r++)
                {
                    var cell = span.Slice(r * rowBytes + colOffset, c.Repeat * size);
                    EncodeCell(c, r0 + r, cell);
                }
                colOffset += c.Repeat * size;
            }
            _stream.Write(span);
        }
        PadData((long)rowBytes * rows);
    }

    private static void EncodeCell(FitsTableColumn c, long row, Span<byte> cell)
    {
        if (c.TypeCode == 'A')
        {
            string s = (string)c.Values.GetValue(row)!;
            var bytes = Encoding.ASCII.GetBytes(s);
            if (bytes.Length > cell.Length) throw new ArgumentException($"Column {c.Name}: '{s}' is longer than {cell.Length} characters.");
            bytes.CopyTo(cell);
            cell[bytes.Length..].Fill((byte)' ');
            return;
        }
        for (int e = 0; e < c.Repeat; e++)
        {
            long idx = row * c.Repeat + e;
            object value = c.Values.GetValue(idx)!;
            double v = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
            // Integers are taken as integers: a 64-bit value through double would lose its low bits (found by astropy).
            long n = value switch
            {
                long l => l, int i => i, short s => s, byte b => b, sbyte sb => sb, ushort us => us, uint ui => ui, _ => (long)v,
            };
            switch (c.TypeCode)
            {
                case 'E': BinaryPrimitives.WriteSingleBigEndian(cell[(e * 4)..], (float)v); break;
                case 'D': BinaryPrimitives.WriteDoubleBigEndian(cell[(e * 8)..], v); break;
                case 'B': cell[e] = (byte)n; break;
                case 'I': BinaryPrimitives.WriteInt16BigEndian(cell[(e * 2)..], (short)n); break;
                case 'J': BinaryPrimitives.WriteInt32BigEndian(cell[(e * 4)..], (int)n); break;
                case 'K': BinaryPrimitives.WriteInt64BigEndian(cell[(e * 8)..], n); break;
                case 'L': cell[e] = v != 0 ? (byte)'T' : (byte)'F'; break;
                default: throw new ArgumentException($"Column {c.Name}: type code {c.TypeCode} cannot be written.");
            }
        }
    }

    internal static void Encode(ReadOnlySpan<float> data, FitsPixelType type, double bscale, double bzero, long blank, Span<byte> raw)
    {
        switch (type)
        {
            case FitsPixelType.Float32:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(data), MemoryMarshal.Cast<byte, int>(raw));
                return;
            case FitsPixelType.Float64:
                for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteDoubleBigEndian(raw[(i * 8)..], data[i]);
                return;
        }
        for (int i = 0; i < data.Length; i++)
        {
            float x = data[i];
            long q = float.IsNaN(x) ? blank : (long)Math.Round((x - bzero) / bscale);
            switch (type)
            {
                case FitsPixelType.UInt8: raw[i] = (byte)Math.Clamp(q, 0, 255); break;
                case FitsPixelType.Int16: BinaryPrimitives.WriteInt16BigEndian(raw[(i * 2)..],
                    (short)Math.Clamp(q, short.MinValue, short.MaxValue)); break;
                case FitsPixelType.Int32: BinaryPrimitives.WriteInt32BigEndian(raw[(i * 4)..],
                    (int)Math.Clamp(q, int.MinValue, int.MaxValue)); break;
            }
        }
    }

    private static readonly HashSet<string> Structural = new(StringComparer.Ordinal)
    {
        "SIMPLE", "XTENSION", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "NAXIS3", "EXTEND", "PCOUNT", "GCOUNT",
        "TFIELDS", "BSCALE", "BZERO", "BLANK", "END",
    };

    private static void AddUser(FitsHeader h, IEnumerable<FitsCard>? cards)
    {
        if (cards is null) return;
        foreach (var c in cards)
        {
            if (Structural.Contains(c.Keyword) || c.Keyword.StartsWith("TTYPE") || c.Keyword.StartsWith("TFORM")) continue;
            h.Add(c);
        }
        // A string continued on CONTINUE cards is the OGIP long-string convention, which a header announces with LONGSTRN
        // (fitsverify warns otherwise).
        if (!h.Contains("LONGSTRN") && h.Cards.Any(c => c.IsString && c.Format().Skip(1).Any()))
            h.Add(FitsCard.Of("LONGSTRN", "OGIP 1.0", "The OGIP long string convention is used"));
    }

    private void EnsureFirst(bool primary)
    {
        if (primary && _wrotePrimary) throw new InvalidOperationException("The primary HDU was already written.");
        _wrotePrimary = true;
    }

    private void PadData(long bytes)
    {
        long pad = (FitsHeader.BlockSize - bytes % FitsHeader.BlockSize) % FitsHeader.BlockSize;
        if (pad > 0) _stream.Write(new byte[pad]);
    }

    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
    }
}
