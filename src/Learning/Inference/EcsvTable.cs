using System.Text;
using System.Text.Json;

namespace MantisShrimp.Engine.Inference;

/// <summary>
/// A results table as ECSV 1.0 (astropy's "Enhanced CSV": a YAML header in # lines with each column's datatype and
/// unit, then plain comma-separated rows), so <c>Table.read(path)</c> gives columns with units and the run's
/// <see cref="TableMeta"/> as <c>meta</c>. Strings are datatype string, p_### float32, every other column float64;
/// an empty field is a missing value (astropy masks it). The rows are the CSV lines unchanged, so it streams.
/// </summary>
public static class EcsvTable
{
    public static void Write(TextWriter writer, IReadOnlyList<string> header, IReadOnlyCollection<string> stringColumns, TableMeta meta)
    {
        writer.Write("# %ECSV 1.0\n# ---\n# delimiter: ','\n# datatype:\n");
        foreach (var name in header)
        {
            var entry = new StringBuilder("# - {name: ").Append(Yaml(name));
            if (ColumnUnits.Of(name) is { } unit && !stringColumns.Contains(name)) entry.Append(", unit: ").Append(Yaml(unit));
            string type = stringColumns.Contains(name) ? "string" : name.StartsWith("p_", StringComparison.Ordinal) ? "float32" : "float64";
            writer.Write(entry.Append(", datatype: ").Append(type).Append("}\n"));
        }
        writer.Write("# meta: !!omap\n");
        foreach (var (key, value, _) in meta.Keywords()) writer.Write($"# - {{{Yaml(key)}: {Yaml(value)}}}\n");
        writer.Write("# schema: astropy-2.0\n");
        writer.Write(Common.Csv.Line(header));
        writer.Write('\n');
    }

    /// <summary>The rows (header first), skipping the # header block; Line is the file's line number.</summary>
    public static IEnumerable<(long Line, string[] Fields)> Read(string path)
    {
        using var reader = new StreamReader(path);
        int comments = 0;
        while (reader.Peek() == '#')
        {
            string? line = reader.ReadLine();
            if (comments == 0 && line?.StartsWith("# %ECSV", StringComparison.Ordinal) != true)
                throw new Common.UserInputException($"{path}: line 1 is not an ECSV header ('# %ECSV 1.0')");
            comments++;
        }
        if (comments == 0) throw new Common.UserInputException($"{path}: line 1 is not an ECSV header ('# %ECSV 1.0')");
        foreach (var (line, fields) in Common.Csv.Read(reader, path)) yield return (line + comments, fields);
    }

    // A JSON string is a YAML double-quoted scalar: every character YAML treats specially (%, :, #, quotes) is safe.
    private static string Yaml(string s) => JsonSerializer.Serialize(s);
}
