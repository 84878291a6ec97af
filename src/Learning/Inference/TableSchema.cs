using System.Globalization;

namespace MantisShrimp.Engine.Inference;

/// <summary>How a results column is stored in each format.</summary>
public enum ColumnKind
{
    /// <summary>Text in every format (an id, a list of band names).</summary>
    Text,
    /// <summary>Text as the catalog wrote it (population, mag_r, a formatted S/N): a string in CSV and Parquet; FITS and ECSV type it from
    /// its values.</summary>
    Catalog,
    /// <summary>A double: its CSV text comes from the column's format; Parquet holds the value itself.</summary>
    Double,
    /// <summary>A float (the PDF's class probabilities), held as a double in a <see cref="TableRow"/> (exact).</summary>
    Float,
}

/// <summary>One column of a results table; <paramref name="Format"/> gives a number's CSV text (required for numbers).</summary>
public sealed record TableColumn(string Name, ColumnKind Kind, Func<double, string>? Format = null)
{
    public bool IsText => Kind is ColumnKind.Text or ColumnKind.Catalog;
}

/// <summary>
/// A typed row of a <see cref="TableSchema"/>: the text columns' values in column order, and the number columns'
/// values in column order (floats widened exactly).
/// </summary>
public readonly record struct TableRow(string[] Text, double[] Numbers);

/// <summary>
/// The columns of a results table, defined once per table kind (scores, Shapley values, forced photo-z): the CSV text,
/// the Parquet types, the text columns of FITS and ECSV and the FITS extension name all come from it
/// (<see cref="TableWriter"/>).
/// </summary>
public sealed class TableSchema
{
    private readonly int[] _slot; // per column: its index in TableRow.Text or TableRow.Numbers

    public TableSchema(IEnumerable<TableColumn> columns, string extname)
    {
        Columns = columns.ToArray();
        Extname = extname;
        Header = Columns.Select(c => c.Name).ToArray();
        if (Header.Distinct().Count() != Header.Length)
            throw new ArgumentException($"duplicate column names: {string.Join(", " +
                "", Header.GroupBy(h => h).Where(g => g.Count() > 1).Select(g => g.Key))}");
        _slot = new int[Columns.Count];
        for (int c = 0; c < Columns.Count; c++)
        {
            if (Columns[c].IsText) _slot[c] = TextCount++;
            else
            {
                if (Columns[c].Format is null) throw new ArgumentException($"number column {Columns[c].Name} needs a format");
                _slot[c] = NumberCount++;
            }
        }
    }

    public IReadOnlyList<TableColumn> Columns { get; }
    public string[] Header { get; }
    /// <summary>The FITS extension name (SCORES, SHAPLEY, PHOTOZ).</summary>
    public string Extname { get; }
    public int TextCount { get; }
    public int NumberCount { get; }

    /// <summary>The index of column <paramref name="column"/> in its row array (Text or Numbers).</summary>
    public int Slot(int column) => _slot[column];

    /// <summary>A row's fields as CSV text, in column order.</summary>
    public string[] Fields(TableRow row)
    {
        var fields = new string[Columns.Count];
        for (int c = 0; c < fields.Length; c++)
            fields[c] = Columns[c].IsText ? row.Text[_slot[c]] : Columns[c].Format!(row.Numbers[_slot[c]]);
        return fields;
    }

    /// <summary>
    /// A row from its CSV text (a journal line's fields): numbers parse invariantly, an empty or unparsable number is
    /// NaN (as the typed formats have always stored it). Refuses a field count that is not the schema's.
    /// </summary>
    public TableRow Parse(IReadOnlyList<string> fields, string source)
    {
        if (fields.Count != Columns.Count)
            throw new Common.UserInputException($"{source}: {fields.Count} fields, expected {Columns.Count} " +
                $"({string.Join(",", Header.Take(4))}…)");
        var text = new string[TextCount];
        var numbers = new double[NumberCount];
        for (int c = 0; c < fields.Count; c++)
        {
            if (Columns[c].IsText) text[_slot[c]] = fields[c];
            else numbers[_slot[c]] = double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : double.NaN;
        }
        return new TableRow(text, numbers);
    }
}
