using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace MantisShrimp.Engine.Inference;

/// <summary>
/// A results table held as CSV lines, written atomically (temp file + rename) as CSV or, when the path ends in
/// .parquet, as Parquet (<see cref="ParquetTable"/>).
/// </summary>
public static class TableFile
{
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<string> lines, IReadOnlyCollection<string> stringColumns)
    {
        string tmp = path + ".tmp";
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            ParquetTable.Write(tmp, header, lines.Select(Common.Csv.ParseLine).ToList(), stringColumns);
        else
        {
            using var writer = new StreamWriter(tmp, false, new System.Text.UTF8Encoding(false));
            writer.Write(Common.Csv.Line(header));
            writer.Write('\n');
            foreach (var line in lines) { writer.Write(line); writer.Write('\n'); }
        }
        File.Move(tmp, path, true);
    }
}

/// <summary>A small table as Parquet: the named string columns as strings, every other column as double (empty → NaN).</summary>
public static class ParquetTable
{
    private const int RowGroupSize = 50_000;

    public static void Write(string path, IReadOnlyList<string> header, IReadOnlyList<string[]> rows, IReadOnlyCollection<string> stringColumns)
    {
        var fields = header.Select(h => stringColumns.Contains(h) ? (DataField)new DataField<string>(h) : new DataField<double>(h)).ToArray();
        using var stream = new FileStream(path, FileMode.Create);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        for (int start = 0; start < rows.Count || start == 0; start += RowGroupSize)
        {
            int n = Math.Min(RowGroupSize, rows.Count - start);
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < fields.Length; c++)
            {
                if (stringColumns.Contains(header[c]))
                    group.WriteAsync(fields[c], Enumerable.Range(start, n).Select(r => rows[r][c]).ToArray(), null).GetAwaiter().GetResult();
                else
                {
                    var values = new double[n];
                    for (int r = 0; r < n; r++)
                        values[r] = double.TryParse(rows[start + r][c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
                    group.WriteAsync<double>(fields[c], values, null, null, default).GetAwaiter().GetResult();
                }
            }
            if (rows.Count == 0) break;
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
