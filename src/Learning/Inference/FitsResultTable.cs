using System.Globalization;
using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Engine.Inference;

/// <summary>
/// A results table as a FITS binary table (one BINTABLE extension, EXTNAME given by the caller): string columns as
/// fixed-width characters, every other column as float64 (empty → NaN) with its unit (<see cref="ColumnUnits"/>), and the
/// PDF columns p_000 … p_399 as one float32 vector column <c>pdf</c> (400E), as astronomers expect a spectrum-like
/// quantity. The header records <see cref="TableMeta"/>. Read back with the p_### columns expanded again, so every
/// reader of scores takes FITS as it takes CSV.
/// </summary>
public static class FitsResultTable
{
    public const string PdfColumn = "pdf";

    public static void Write(string path, IReadOnlyList<string> header, IReadOnlyList<string[]> rows,
        IReadOnlyCollection<string> stringColumns, TableMeta meta, string extname)
    {
        int p0 = PdfStart(header);
        var columns = new List<FitsTableColumn>();
        var comments = new List<FitsCard>();
        for (int c = 0; c < header.Count; c++)
        {
            if (c == p0)
            {
                var pdf = new float[rows.Count * RedshiftGrid.Classes];
                for (int r = 0; r < rows.Count; r++)
                    for (int k = 0; k < RedshiftGrid.Classes; k++) pdf[r * RedshiftGrid.Classes + k] = (float)Number(rows[r][c + k]);
                columns.Add(new FitsTableColumn(PdfColumn, 'E', RedshiftGrid.Classes, pdf));
                string width = RedshiftGrid.BinWidth.ToString(CultureInfo.InvariantCulture);
                comments.Add(FitsCard.Of($"TCOMM{columns.Count}",
                    $"p per redshift class k = 0..{RedshiftGrid.Classes - 1}, z = (k + 0.5) * {width}"));
                c += RedshiftGrid.Classes - 1;
                continue;
            }
            string name = header[c];
            if (stringColumns.Contains(name))
            {
                var values = rows.Select(r => c < r.Length ? r[c] : "").ToArray();
                int width = Math.Max(1, values.Select(v => v.Length).DefaultIfEmpty(1).Max());
                // NUL-terminated, not blank-padded: astropy gives 'ELG', not 'ELG    ' (the standard allows both).
                columns.Add(new FitsTableColumn(name, 'A', width, values.Select(v => v.PadRight(width, '\0')).ToArray()));
                continue;
            }
            var numbers = rows.Select(r => Number(c < r.Length ? r[c] : "")).ToArray();
            string? unit = ColumnUnits.Of(name);
            columns.Add(new FitsTableColumn(name, 'D', 1, numbers, ColumnUnits.Fits(unit)));
            if (unit == ColumnUnits.Percent) comments.Add(FitsCard.Of($"TCOMM{columns.Count}", "percent (FITS has no unit for it)"));
        }
        var cards = new List<FitsCard>(comments) { FitsCard.Of("LONGSTRN", "OGIP 1.0", "long strings continue on CONTINUE cards") };
        // The seed as an integer keyword (what it is); the rest are strings, long ones on CONTINUE cards.
        cards.AddRange(meta.Keywords().Select(k => k.Key == "SEED" && long.TryParse(k.Value, out long seed)
            ? FitsCard.Of(k.Key, seed, k.Comment) : FitsCard.Of(k.Key, k.Value, k.Comment)));
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new FitsWriter(stream);
        writer.WriteTable(columns, cards, extname);
    }

    /// <summary>The first BINTABLE's rows as text, header first (the <c>pdf</c> vector as p_000 … p_399), Line = row + 1.</summary>
    public static IEnumerable<(long Line, string[] Fields)> Read(string path)
    {
        string[][] columns;
        string[] header;
        long rows;
        try
        {
            using var file = FitsFile.Open(path);
            var table = file.ReadFirstTable();
            rows = table.RowCount;
            var names = new List<string>();
            var values = new List<string[]>();
            foreach (var col in table.Columns)
            {
                if (col.TypeCode == 'A')
                {
                    names.Add(col.Name);
                    values.Add(table.ReadStrings(col.Name));
                    continue;
                }
                var d = table.ReadDoubles(col.Name);
                bool pdf = col.Name.Equals(PdfColumn, StringComparison.OrdinalIgnoreCase) && col.Repeat == RedshiftGrid.Classes;
                if (col.Repeat != 1 && !pdf)
                    throw new Common.UserInputException($"{path}: column {col.Name} is a vector of {col.Repeat}; only pdf " +
                        $"({RedshiftGrid.Classes}) is read");
                for (int e = 0; e < col.Repeat; e++)
                {
                    names.Add(pdf ? $"p_{e:000}" : col.Name);
                    var text = new string[rows];
                    for (long r = 0; r < rows; r++) text[r] = Text(d[r * col.Repeat + e], col.TypeCode == 'E');
                    values.Add(text);
                }
            }
            header = names.ToArray();
            columns = values.ToArray();
        }
        catch (FitsFormatException e)
        {
            throw new Common.UserInputException($"{path}: not a readable FITS table ({e.Message})");
        }
        yield return (1, header);
        for (long r = 0; r < rows; r++) yield return (r + 2, columns.Select(c => c[r]).ToArray());
    }

    /// <summary>Index of p_000 when p_000 … p_399 follow each other, else −1.</summary>
    private static int PdfStart(IReadOnlyList<string> header)
    {
        int p0 = header.ToList().IndexOf("p_000");
        if (p0 < 0 || p0 + RedshiftGrid.Classes > header.Count) return -1;
        for (int k = 0; k < RedshiftGrid.Classes; k++)
            if (header[p0 + k] != $"p_{k:000}") return -1;
        return p0;
    }

    private static double Number(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;

    private static string Text(double v, bool single) =>
        single ? ((float)v).ToString("R", CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture);
}
