using System.Globalization;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Data;

/// <summary>
/// A source catalog in CSV: at least <c>id,ra,dec,z,ebv_csfd,ebv_planck</c>; any other columns are kept
/// as metadata. Rows are numbered from 0 in file order (the header is not a row).
/// </summary>
public sealed class InputCatalog
{
    public static readonly string[] RequiredColumns = ["id", "ra", "dec", "z", "ebv_csfd", "ebv_planck"];

    /// <summary>Open interval of redshifts the model covers (paper: 0 &lt; z &lt; 1.6).</summary>
    public const double MinRedshiftExclusive = 0.0, MaxRedshiftExclusive = 1.6;

    private InputCatalog(string path, string[] extraColumns, List<CatalogEntry> entries, List<CatalogProblem> problems, int rows)
    {
        Path = path;
        ExtraColumns = extraColumns;
        Entries = entries;
        Problems = problems;
        RowCount = rows;
    }

    public string Path { get; }
    public string[] ExtraColumns { get; }
    public IReadOnlyList<CatalogEntry> Entries { get; }
    public IReadOnlyList<CatalogProblem> Problems { get; }
    public int RowCount { get; }

    /// <summary>
    /// Reads the catalog. A missing file or a missing required column is a <see cref="UserInputException"/>;
    /// a bad row (unparsable field, duplicate or unsafe id, wrong field count) becomes a <see cref="CatalogProblem"/>.
    /// </summary>
    public static InputCatalog Load(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"Catalog not found: {path}");
        using var reader = new StreamReader(path);
        using var records = Csv.Read(reader, path).GetEnumerator();
        if (!records.MoveNext()) throw new UserInputException($"{path}: empty file (expected a header line with " +
            $"{string.Join(",", RequiredColumns)})");
        string[] header = records.Current.Fields.Select(h => h.Trim()).ToArray();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++)
            if (!index.TryAdd(header[i], i))
                throw new UserInputException($"{path}: header names column '{header[i]}' twice");
        var missing = RequiredColumns.Where(c => !index.ContainsKey(c)).ToArray();
        if (missing.Length > 0)
            throw new UserInputException($"{path}: missing required column(s) {string.Join(", ", missing)} (header: " +
                $"{string.Join(",", header)})");
        int[] req = RequiredColumns.Select(c => index[c]).ToArray();
        int[] extraIdx = Enumerable.Range(0, header.Length).Where(i => !req.Contains(i)).ToArray();

        var entries = new List<CatalogEntry>();
        var problems = new List<CatalogProblem>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        int row = 0;
        while (records.MoveNext())
        {
            var (line, f) = records.Current;
            string id = f.Length > req[0] ? f[req[0]].Trim() : "";
            string? reason = Validate(f, header, req, id, line, seen, out var values);
            if (reason is not null) problems.Add(new CatalogProblem(row, line, id, $"catalog line {line}: {reason}"));
            else
            {
                seen[id] = line;
                entries.Add(new CatalogEntry(row, line, id, values[0], values[1], values[2], values[3], values[4],
                    extraIdx.Select(i => i < f.Length ? f[i] : "").ToArray()));
            }
            row++;
        }
        return new InputCatalog(path, extraIdx.Select(i => header[i]).ToArray(), entries, problems, row);
    }

    private static string? Validate(string[] f, string[] header, int[] req, string id, long line,
        Dictionary<string, long> seen, out double[] values)
    {
        values = new double[5];
        if (f.Length != header.Length) return $"has {f.Length} fields, the header has {header.Length}";
        if (id.Length == 0) return "field id is empty";
        if (!IsSafeName(id)) return $"id '{id}' cannot be used as a file name (no '/', '\\', control characters, or leading '.')";
        if (seen.TryGetValue(id, out long first)) return $"duplicate id '{id}' (first on line {first})";
        for (int k = 1; k < RequiredColumns.Length; k++)
        {
            string text = f[req[k]].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                return $"field {RequiredColumns[k]} = '{text}' is not a finite number";
            values[k - 1] = v;
        }
        if (values[0] is < 0 or >= 360) return $"field ra = {values[0]} outside [0, 360)";
        for (int k = 3; k < 5; k++)
            if (values[k] < 0)
                return $"field {RequiredColumns[k + 1]} = {values[k].ToString(CultureInfo.InvariantCulture)} is negative (E(B−V) ≥ 0)";
        if (values[1] is < -90 or > 90) return $"field dec = {values[1]} outside [-90, 90]";
        if (!(values[2] > MinRedshiftExclusive && values[2] < MaxRedshiftExclusive))
            return $"z = {values[2].ToString(CultureInfo.InvariantCulture)} outside (0, 1.6)";
        return null;
    }

    /// <summary>Longest id: with a band suffix it stays within file-name limits (255 bytes).</summary>
    public const int MaxIdLength = 200;

    /// <summary>Ids become file names ({id}.g.fits): refuse anything that could leave the cutout folder.</summary>
    public static bool IsSafeName(string id) =>
        id.Length is > 0 and <= MaxIdLength && id[0] != '.' && !id.Any(c => c is '/' or '\\' or ':' || char.IsControl(c));
}
