using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MantisShrimp.Engine.Fits;

/// <summary>A BINTABLE column: TTYPE, TFORM (repeat + type code), TUNIT, scaling and null value.</summary>
public sealed record FitsColumn(string Name, char TypeCode, int Repeat, int ByteOffset, string? Unit, double Scale, double Zero, long? Null)
{
    /// <summary>Bytes per element of the type code.</summary>
    public int ElementBytes => ElementSize(TypeCode);

    public int Bytes => TypeCode == 'X' ? (Repeat + 7) / 8 : Repeat * ElementBytes;

    internal static int ElementSize(char code) => code switch
    {
        'L' or 'B' or 'A' or 'X' => 1,
        'I' => 2,
        'J' or 'E' => 4,
        'K' or 'D' or 'C' or 'P' => 8,
        'M' or 'Q' => 16,
        _ => -1,
    };
}

/// <summary>
/// A BINTABLE extension. Columns are read on demand in row blocks, so a HEALPix map of tens of
/// millions of rows never needs its whole table in memory at once.
/// </summary>
public sealed class FitsTable
{
    /// <summary>Rows read per block when extracting a column.</summary>
    private const int BlockBytes = 4 << 20;

    private readonly FitsFile _file;

    private FitsTable(FitsFile file, FitsHdu hdu, long rowBytes, long rows, IReadOnlyList<FitsColumn> columns)
    {
        _file = file;
        Hdu = hdu;
        RowBytes = rowBytes;
        RowCount = rows;
        Columns = columns;
    }

    public FitsHdu Hdu { get; }
    public FitsHeader Header => Hdu.Header;
    public long RowBytes { get; }
    public long RowCount { get; }
    public IReadOnlyList<FitsColumn> Columns { get; }

    public FitsColumn Column(string name) =>
        Columns.FirstOrDefault(c => c.Name == name)
        ?? Columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new FitsFormatException(_file.Label,
            $"HDU {Hdu.Index}: no column named {name} (columns: {string.Join(", ", Columns.Select(c => c.Name))})");

    internal static FitsTable Create(FitsFile file, FitsHdu hdu)
    {
        var h = hdu.Header;
        string label = file.Label;
        if (hdu.Bitpix != 8 || hdu.Axes.Count != 2)
            throw new FitsFormatException(label, $"HDU {hdu.Index}: a BINTABLE needs BITPIX = 8 and NAXIS = 2");
        long rowBytes = hdu.Axes[0], rows = hdu.Axes[1];
        if (!h.TryGetLong("TFIELDS", out long fields) || fields < 0 || fields > 999)
            throw new FitsFormatException(label, $"HDU {hdu.Index}: TFIELDS is missing or out of range");
        if (rowBytes > int.MaxValue / 2)
            throw new FitsFormatException(label, $"HDU {hdu.Index}: rows of NAXIS1 = {rowBytes} bytes are too long to read");
        var cols = new List<FitsColumn>();
        int offset = 0;
        for (int n = 1; n <= fields; n++)
        {
            string form = h.GetStringOrNull($"TFORM{n}")?.Trim()
                ?? throw new FitsFormatException(label, $"HDU {hdu.Index}: TFORM{n} is missing");
            int k = 0;
            while (k < form.Length && char.IsAsciiDigit(form[k])) k++;
            // A repeat is at most the row's bytes (and fits an int): '99999999999A' is an error, not an overflow.
            if (k > 0 && (!long.TryParse(form[..k], NumberStyles.None, CultureInfo.InvariantCulture, out long r) || r > rowBytes
                || r > int.MaxValue / 16))
                throw new FitsFormatException(label,
                    $"HDU {hdu.Index}: TFORM{n} = '{form}' repeats more than a row of NAXIS1 = {rowBytes} bytes holds");
            int repeat = k == 0 ? 1 : int.Parse(form[..k], CultureInfo.InvariantCulture);
            if (k >= form.Length)
                throw new FitsFormatException(label, $"HDU {hdu.Index}: TFORM{n} = '{form}' has no type code");
            char code = char.ToUpperInvariant(form[k]);
            if (FitsColumn.ElementSize(code) < 0)
                throw new FitsFormatException(label, $"HDU {hdu.Index}: TFORM{n} = '{form}' has an unknown type code '{code}'");
            string name = h.GetStringOrNull($"TTYPE{n}")?.Trim() is { Length: > 0 } t ? t : $"COL{n}";
            long? nul = h.TryGetLong($"TNULL{n}", out long tn) ? tn : null;
            var col = new FitsColumn(name, code, repeat, offset, h.GetStringOrNull($"TUNIT{n}"),
                h.GetDoubleOr($"TSCAL{n}", 1.0), h.GetDoubleOr($"TZERO{n}", 0.0), nul);
            cols.Add(col);
            offset += col.Bytes;
            if (offset > rowBytes)
                throw new FitsFormatException(label, $"HDU {hdu.Index}: columns 1..{n} take {offset} bytes, more than NAXIS1 = {rowBytes}");
        }
        if (offset != rowBytes)
            throw new FitsFormatException(label, $"HDU {hdu.Index}: columns add up to {offset} bytes per row but NAXIS1 = {rowBytes}");
        return new FitsTable(file, hdu, rowBytes, rows, cols);
    }

    /// <summary>
    /// A numeric column as doubles (rows × repeat values, row-major), with TSCAL/TZERO applied and TNULL → NaN.
    /// Logical columns give 1/0 (NaN for undefined).
    /// </summary>
    public double[] ReadDoubles(string name)
    {
        var col = Column(name);
        if (col.TypeCode is 'A' or 'X' or 'C' or 'M' or 'P' or 'Q')
            throw new FitsFormatException(_file.Label,
                $"HDU {Hdu.Index}: column {col.Name} (type {col.TypeCode}) is not a plain numeric column");
        long total = RowCount * col.Repeat;
        if (total > Array.MaxLength) throw new FitsFormatException(_file.Label, $"column {col.Name} has too many values ({total})");
        var result = new double[total];
        int size = col.ElementBytes;
        long at = 0;
        ForEachRowBlock((block, rowsInBlock) =>
        {
            for (int r = 0; r < rowsInBlock; r++)
            {
                var cell = block.Slice((int)(r * RowBytes) + col.ByteOffset, col.Repeat * size);
                for (int e = 0; e < col.Repeat; e++)
                    result[at++] = DecodeNumber(cell.Slice(e * size, size), col);
            }
        });
        return result;
    }

    /// <summary>A numeric column as float32 — the compact form for large maps.</summary>
    public float[] ReadSingles(string name) => Array.ConvertAll(ReadDoubles(name), d => (float)d);

    /// <summary>A character column (TFORM rA), trailing blanks and NULs trimmed.</summary>
    public string[] ReadStrings(string name)
    {
        var col = Column(name);
        if (col.TypeCode != 'A')
            throw new FitsFormatException(_file.Label, $"HDU {Hdu.Index}: column {col.Name} is type {col.TypeCode}, not a string column");
        var result = new string[RowCount];
        long at = 0;
        ForEachRowBlock((block, rowsInBlock) =>
        {
            for (int r = 0; r < rowsInBlock; r++)
            {
                var cell = block.Slice((int)(r * RowBytes) + col.ByteOffset, col.Repeat);
                int end = cell.IndexOf((byte)0);
                if (end < 0) end = cell.Length;
                result[at++] = Encoding.ASCII.GetString(cell[..end]).TrimEnd();
            }
        });
        return result;
    }

    private delegate void BlockAction(ReadOnlySpan<byte> block, int rows);

    private void ForEachRowBlock(BlockAction action)
    {
        if (RowCount == 0 || RowBytes == 0) return;
        int rowsPerBlock = (int)Math.Max(1, Math.Min(RowCount, BlockBytes / RowBytes));
        var buffer = new byte[rowsPerBlock * RowBytes];
        for (long row = 0; row < RowCount; row += rowsPerBlock)
        {
            int n = (int)Math.Min(rowsPerBlock, RowCount - row);
            var span = buffer.AsSpan(0, (int)(n * RowBytes));
            _file.ReadAt(Hdu.DataOffset + row * RowBytes, span);
            action(span, n);
        }
    }

    private static double DecodeNumber(ReadOnlySpan<byte> b, FitsColumn c)
    {
        long? integer = c.TypeCode switch
        {
            'B' => b[0],
            'I' => BinaryPrimitives.ReadInt16BigEndian(b),
            'J' => BinaryPrimitives.ReadInt32BigEndian(b),
            'K' => BinaryPrimitives.ReadInt64BigEndian(b),
            _ => null,
        };
        if (integer is { } v)
            return c.Null == v ? double.NaN : v * c.Scale + c.Zero;
        return c.TypeCode switch
        {
            'E' => BinaryPrimitives.ReadSingleBigEndian(b) * c.Scale + c.Zero,
            'D' => BinaryPrimitives.ReadDoubleBigEndian(b) * c.Scale + c.Zero,
            'L' => b[0] == (byte)'T' ? 1 : b[0] == (byte)'F' ? 0 : double.NaN,
            _ => double.NaN,
        };
    }
}
