using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Sky;

namespace MantisShrimp.Engine.Forced;

/// <summary>
/// A positions file as astronomers have them: a CSV whose RA/Dec columns go by the usual names (ra/dec, RA/DEC,
/// raMean/decMean as PS1 writes them, RAJ2000/DEJ2000 as VizieR does, ra_deg/dec_deg), case-insensitively, with or
/// without a name (name, id, objid, objname, target); values in decimal degrees or sexagesimal
/// (<see cref="Coordinates"/>). A bad row is an error naming file, line and field.
/// </summary>
public static class PositionsFile
{
    public static readonly string[] RaNames = ["ra", "ramean", "raj2000", "ra_deg", "ra_icrs", "alpha"];
    public static readonly string[] DecNames = ["dec", "decmean", "dej2000", "decj2000", "dec_deg", "de_icrs", "delta"];
    public static readonly string[] NameNames = ["name", "id", "objid", "objname", "object", "target"];

    public static List<NamedPosition> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"positions file not found: {path}");
        using var reader = new StreamReader(path);
        var rows = Csv.Read(reader, path).ToList();
        if (rows.Count == 0) throw new UserInputException($"{path}: empty file");
        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int Find(string[] names) => names.Select(n => Array.IndexOf(header, n)).FirstOrDefault(i => i >= 0, -1);
        int name = Find(NameNames), ra = Find(RaNames), dec = Find(DecNames);
        if (ra < 0 || dec < 0)
            throw new UserInputException($"{path}: no {(ra < 0 ? "RA" : "Dec")} column: the header needs one of " +
                $"{string.Join("/", ra < 0 ? RaNames : DecNames)} "
                + $"(any case; and optionally {string.Join("/", NameNames)}); got '{string.Join(",", rows[0].Fields)}'");
        var result = new List<NamedPosition>();
        foreach (var (line, f) in rows.Skip(1))
        {
            if (f.All(string.IsNullOrWhiteSpace)) continue; // a trailing blank line
            string Field(int c) => c < f.Length ? f[c] : "";
            string where = $"{path}, line {line}";
            double a = NonFinite(Field(ra)) ?? Coordinates.ParseRa(Field(ra), $"{where}: {rows[0].Fields[ra].Trim()}");
            double d = NonFinite(Field(dec)) ?? Coordinates.ParseDec(Field(dec), $"{where}: {rows[0].Fields[dec].Trim()}");
            result.Add(new NamedPosition(name >= 0 && Field(name).Length > 0 ? Field(name) : $"pos{result.Count}", a, d));
        }
        return result;
    }

    /// <summary>
    /// inf/-inf (as C and NumPy write them), Infinity and overflowing numbers (1e400) as ±∞: a non-finite position is
    /// that row's failure (the range check names it), not the whole file's.
    /// </summary>
    private static double? NonFinite(string text)
    {
        string t = text.Trim();
        if (double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v))
            return double.IsFinite(v) ? null : v;
        return t.ToLowerInvariant() switch
        {
            "inf" or "+inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => null,
        };
    }
}
