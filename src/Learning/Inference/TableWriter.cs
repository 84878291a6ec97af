using Parquet;
using Parquet.Schema;

namespace MantisShrimp.Engine.Inference;

/// <summary>
/// Writes typed rows of a <see cref="TableSchema"/> atomically (<see cref="Common.AtomicFile"/>) in the format the path's
/// extension names. CSV and Parquet stream (Parquet in row groups of <see cref="RowGroupSize"/>: text columns as
/// strings, doubles and floats as themselves); FITS and ECSV need every row before their header (row count, string
/// widths) and type the catalog's columns from their values, so their rows are held as text (<see cref="TableFile"/>).
/// </summary>
public static class TableWriter
{
    private const int RowGroupSize = 50_000;

    /// <returns>The rows written.</returns>
    public static int Write(string path, TableSchema schema, IEnumerable<TableRow> rows, TableMeta? meta = null)
    {
        TableFile.CheckExtension(path);
        int count = 0;
        var counted = rows.Select(r => { count++; return r; });
        if (TableFile.IsParquet(path)) Common.AtomicFile.WriteVia(path, tmp => WriteParquet(tmp, schema, counted));
        else if (TableFile.IsFits(path) || TableFile.IsEcsv(path))
            TableFile.WriteFields(path, schema.Header, counted.Select(schema.Fields).ToList(),
                schema.Columns.Where(c => c.Kind == ColumnKind.Text).Select(c => c.Name).ToArray(), meta, schema.Extname);
        else TableFile.WriteCsv(path, schema.Header, counted.Select(r => Common.Csv.Line(schema.Fields(r))));
        return count;
    }

    private static DataField Field(TableColumn c) => c.Kind switch
    {
        ColumnKind.Double => new DataField<double>(c.Name),
        ColumnKind.Float => new DataField<float>(c.Name),
        _ => new DataField<string>(c.Name),
    };

    private static void WriteParquet(string path, TableSchema schema, IEnumerable<TableRow> rows)
    {
        var fields = schema.Columns.Select(Field).ToArray();
        var columns = schema.Columns;
        var text = Enumerable.Range(0, schema.TextCount).Select(_ => new List<string>()).ToArray();
        var numbers = Enumerable.Range(0, schema.NumberCount).Select(_ => new List<double>()).ToArray();
        using var stream = new FileStream(path, FileMode.Create);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        int held = 0;
        foreach (var row in rows)
        {
            for (int t = 0; t < text.Length; t++) text[t].Add(row.Text[t]);
            for (int n = 0; n < numbers.Length; n++) numbers[n].Add(row.Numbers[n]);
            if (++held >= RowGroupSize) Flush();
        }
        Flush();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();

        void Flush()
        {
            if (held == 0) return;
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < fields.Length; c++)
            {
                int slot = schema.Slot(c);
                if (columns[c].IsText) group.WriteAsync(fields[c], text[slot], null).GetAwaiter().GetResult();
                else if (columns[c].Kind == ColumnKind.Float)
                    group.WriteAsync<float>(fields[c], numbers[slot].Select(v => (float)v).ToArray(), null, null,
                        default).GetAwaiter().GetResult();
                else group.WriteAsync<double>(fields[c], numbers[slot].ToArray(), null, null, default).GetAwaiter().GetResult();
            }
            foreach (var t in text) t.Clear();
            foreach (var n in numbers) n.Clear();
            held = 0;
        }
    }

    /// <summary>
    /// The typed rows of a Parquet file this writer wrote with <paramref name="schema"/> (a rank's part), one row group in
    /// memory at a time; refuses a file whose columns are not the schema's.
    /// </summary>
    public static IEnumerable<TableRow> ReadParquet(string path, TableSchema schema)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            var fields = reader.Schema.GetDataFields();
            var names = fields.Select(f => f.Name).ToArray();
            if (!names.SequenceEqual(schema.Header))
                throw new Common.UserInputException($"{path}: columns {string.Join(",", names.Take(6))}… are not this run's " +
                    $"{string.Join(",", schema.Header.Take(6))}… (a part of another run?); delete it");
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                var rows = ReadGroup(reader, g, fields, schema);
                foreach (var row in rows) yield return row;
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static TableRow[] ReadGroup(ParquetReader reader, int g, DataField[] fields, TableSchema schema)
    {
        using var group = reader.OpenRowGroupReader(g);
        int n = (int)group.RowCount;
        var rows = Enumerable.Range(0, n).Select(_ => new TableRow(new string[schema.TextCount], new double[schema.NumberCount])).ToArray();
        for (int c = 0; c < fields.Length; c++)
        {
            int slot = schema.Slot(c);
            switch (schema.Columns[c].Kind)
            {
                case ColumnKind.Double:
                {
                    var values = new double[n];
                    group.ReadAsync<double>(fields[c], values, null, default).AsTask().GetAwaiter().GetResult();
                    for (int r = 0; r < n; r++) rows[r].Numbers[slot] = values[r];
                    break;
                }
                case ColumnKind.Float:
                {
                    var values = new float[n];
                    group.ReadAsync<float>(fields[c], values, null, default).AsTask().GetAwaiter().GetResult();
                    for (int r = 0; r < n; r++) rows[r].Numbers[slot] = values[r];
                    break;
                }
                default:
                {
                    var values = new string?[n];
                    group.ReadAsync(fields[c], values.AsMemory(), null, default).AsTask().GetAwaiter().GetResult();
                    for (int r = 0; r < n; r++) rows[r].Text[slot] = values[r] ?? "";
                    break;
                }
            }
        }
        return rows;
    }
}
