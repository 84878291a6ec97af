using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace MantisShrimp.Engine.Inference;

/// <summary>
/// A results table held as CSV lines, written atomically (temp file + rename) in the format the path's extension names:
/// CSV, Parquet (<see cref="ParquetTable"/>), FITS binary table (<see cref="FitsResultTable"/>) or ECSV
/// (<see cref="EcsvTable"/>). FITS and ECSV carry units and the run's <see cref="TableMeta"/>.
/// </summary>
public static class TableFile
{
    /// <summary>The extensions a results table may have, in the order error messages list them.</summary>
    public static readonly string[] Extensions = [".csv", ".parquet", ".fits", ".ecsv"];

    /// <summary>Refuses an output path whose extension names no table format (the flag names the option).</summary>
    public static void CheckExtension(string path, string flag = "--out")
    {
        if (!Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            throw new Common.UserInputException($"{flag} {path}: the file name must end in {string.Join(", ", Extensions[..^1])} or " +
                $"{Extensions[^1]}");
    }

    public static bool IsFits(string path) => path.EndsWith(".fits", StringComparison.OrdinalIgnoreCase);
    public static bool IsEcsv(string path) => path.EndsWith(".ecsv", StringComparison.OrdinalIgnoreCase);
    public static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <param name="extname">The FITS extension name (e.g. SCORES) when the path ends in .fits.</param>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<string> lines,
        IReadOnlyCollection<string> stringColumns,
        TableMeta? meta = null, string extname = "RESULTS")
    {
        if (IsParquet(path) || IsFits(path) || IsEcsv(path)) WriteFields(path, header, lines.Select(Common.Csv.ParseLine).ToList(),
            stringColumns, meta, extname);
        else WriteCsv(path, header, lines);
    }

    /// <summary>CSV: the header, then the lines as given.</summary>
    internal static void WriteCsv(string path, IReadOnlyList<string> header, IEnumerable<string> lines) =>
        Common.AtomicFile.Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(Common.Csv.Line(header));
            writer.Write('\n');
            foreach (var line in lines) { writer.Write(line); writer.Write('\n'); }
        });

    /// <summary>Parquet (named columns as text, the rest double), FITS or ECSV from text fields; other text columns found from their
    /// values.</summary>
    internal static void WriteFields(string path, IReadOnlyList<string> header, List<string[]> rows,
        IReadOnlyCollection<string> stringColumns,
        TableMeta? meta, string extname)
    {
        meta ??= TableMeta.None;
        var text = TextColumns(header, rows, stringColumns);
        Common.AtomicFile.WriteVia(path, tmp =>
        {
            if (IsParquet(path)) ParquetTable.Write(tmp, header, rows, text);
            else if (IsFits(path)) FitsResultTable.Write(tmp, header, rows, text, meta, extname);
            else
            {
                using var writer = new StreamWriter(tmp, false, new System.Text.UTF8Encoding(false));
                EcsvTable.Write(writer, header, text, meta);
                foreach (var row in rows) { writer.Write(Common.Csv.Line(row)); writer.Write('\n'); }
            }
        });
    }

    /// <summary>
    /// The columns typed formats store as text: those named, and any other with a value that is not a number (a
    /// catalog's population or SED name), which would otherwise become NaN.
    /// </summary>
    private static HashSet<string> TextColumns(IReadOnlyList<string> header, List<string[]> rows, IReadOnlyCollection<string> named)
    {
        var text = new HashSet<string>(named);
        for (int c = 0; c < header.Count; c++)
            if (!text.Contains(header[c]) && rows.Any(r => c < r.Length && r[c].Length > 0
                && !double.TryParse(r[c], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                    out _)))
                text.Add(header[c]);
        return text;
    }

    /// <summary>
    /// The rows of a table file — CSV, Parquet, FITS or ECSV by extension — as text fields, header first, like
    /// <see cref="Common.Csv.Read"/>: so every reader of scores or results takes any format. Parquet and FITS values
    /// come as invariant round-trip text; Line is the CSV line or the table row (header = 1).
    /// </summary>
    public static IEnumerable<(long Line, string[] Fields)> Read(string path)
    {
        if (!File.Exists(path)) throw new Common.UserInputException($"File not found: {path}");
        if (IsParquet(path)) return ParquetTable.Read(path);
        if (IsFits(path)) return FitsResultTable.Read(path);
        return IsEcsv(path) ? EcsvTable.Read(path) : ReadCsv(path);

        static IEnumerable<(long, string[])> ReadCsv(string path)
        {
            using var reader = new StreamReader(path);
            foreach (var row in Common.Csv.Read(reader, path)) yield return row;
        }
    }
}

/// <summary>A small table as Parquet: the named string columns as strings, every other column as double (empty → NaN).</summary>
public static class ParquetTable
{
    private const int RowGroupSize = 50_000;

    /// <summary>A Parquet file's rows as text (string, double, float and integer columns), header first, one row group in memory at a
    /// time.</summary>
    public static IEnumerable<(long Line, string[] Fields)> Read(string path)
    {
        using var stream = File.OpenRead(path);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new Common.UserInputException($"{path}: not a readable Parquet file ({e.Message})");
        }
        try
        {
            var fields = reader.Schema.GetDataFields();
            yield return (1, fields.Select(f => f.Name).ToArray());
            long line = 1;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                string[][] columns;
                using (var group = reader.OpenRowGroupReader(g))
                    columns = fields.Select(f => Text(path, group, f)).ToArray();
                for (int r = 0; r < columns[0].Length; r++)
                    yield return (++line, columns.Select(c => c[r]).ToArray());
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string[] Text(string path, ParquetRowGroupReader group, DataField field)
    {
        var n = (int)group.RowCount;
        string[] As<T>(Func<T, string> text) where T : struct
        {
            var values = new T[n];
            group.ReadAsync<T>(field, values, null, default).AsTask().GetAwaiter().GetResult();
            return values.Select(text).ToArray();
        }
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>)) // Parquet.Net reports string columns as either
        {
            var values = new string?[n];
            group.ReadAsync(field, values.AsMemory(), null, default).AsTask().GetAwaiter().GetResult();
            return values.Select(v => v ?? "").ToArray();
        }
        if (field.IsNullable) throw new Common.UserInputException($"{path}: column {field.Name} is a nullable {type.Name}; only the " +
            $"layouts mantis writes are read");
        if (type == typeof(double)) return As<double>(v => v.ToString("R", CultureInfo.InvariantCulture));
        if (type == typeof(float)) return As<float>(v => v.ToString("R", CultureInfo.InvariantCulture));
        if (type == typeof(long)) return As<long>(v => v.ToString(CultureInfo.InvariantCulture));
        if (type == typeof(int)) return As<int>(v => v.ToString(CultureInfo.InvariantCulture));
        throw new Common.UserInputException($"{path}: column {field.Name} has type {type.Name}, which is not read");
    }

    public static void Write(string path, IReadOnlyList<string> header, IReadOnlyList<string[]> rows,
        IReadOnlyCollection<string> stringColumns)
    {
        var fields = header.Select(h => stringColumns.Contains(h) ? (DataField)new DataField<string>(h)
            : new DataField<double>(h)).ToArray();
        using var stream = new FileStream(path, FileMode.Create);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        for (int start = 0; start < rows.Count || start == 0; start += RowGroupSize)
        {
            int n = Math.Min(RowGroupSize, rows.Count - start);
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < fields.Length; c++)
            {
                if (stringColumns.Contains(header[c]))
                    group.WriteAsync(fields[c], Enumerable.Range(start, n).Select(r => rows[r][c]).ToArray(),
                        null).GetAwaiter().GetResult();
                else
                {
                    var values = new double[n];
                    for (int r = 0; r < n; r++)
                        values[r] = double.TryParse(rows[start + r][c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                            : double.NaN;
                    group.WriteAsync<double>(fields[c], values, null, null, default).GetAwaiter().GetResult();
                }
            }
            if (rows.Count == 0) break;
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
