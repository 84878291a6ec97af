using System.Globalization;

namespace MantisShrimp.Engine.Spectroscopy;

/// <summary>
/// One spectroscopic survey's published table layout and quality cuts (paper Table 1 / Appendix D). Column names are
/// those of the public releases; a row either yields an entry or a rejection reason.
/// </summary>
public sealed class SpectroscopicSurvey
{
    private SpectroscopicSurvey(string name, int precedence, Func<ISurveyRow, (SurveyEntry? Entry, string? Reason)> parse, string idColumn)
    {
        Name = name;
        Precedence = precedence;
        Parse = parse;
        IdColumn = idColumn;
    }

    public string Name { get; }
    /// <summary>Lower wins when the same galaxy (within 1″) appears in several surveys.</summary>
    public int Precedence { get; }
    public Func<ISurveyRow, (SurveyEntry? Entry, string? Reason)> Parse { get; }
    /// <summary>Column whose repeats are dropped within the survey (keep the first), or "" for none.</summary>
    public string IdColumn { get; }

    /// <summary>
    /// Precedence across surveys (documented in docs/data.md): DESI, SDSS, GAMA, DEEP2, VIPERS, VVDS, 6dF, WiggleZ —
    /// newer, higher-S/N spectroscopy first.
    /// </summary>
    public static readonly IReadOnlyList<SpectroscopicSurvey> All =
    [
        new("desi", 0, Desi, "TARGETID"),
        new("sdss", 1, Sdss, ""),
        new("gama", 2, Gama, "CATAID"),
        new("deep2", 3, Deep2, ""),
        new("vipers", 4, Vipers, ""),
        new("vvds", 5, Vvds, ""),
        new("6df", 6, SixDf, ""),
        new("wigglez", 7, WiggleZ, ""),
    ];

    public static SpectroscopicSurvey Get(string name) =>
        All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new Common.UserInputException($"Unknown survey '{name}' ({string.Join(", ", All.Select(s => s.Name))})");

    private static bool Num(ISurveyRow r, string column, out double v)
    {
        v = double.NaN;
        string? t = r.Get(column)?.Trim();
        return !string.IsNullOrEmpty(t) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out v)
            && double.IsFinite(v);
    }

    private static string? Missing(ISurveyRow r, params string[] columns) =>
        columns.FirstOrDefault(c => r.Get(c) is null) is { } m ? $"malformed: column {m} missing" : null;

    private static (SurveyEntry?, string?) Position(ISurveyRow r, string id, string ra, string dec, double z, string quality)
    {
        if (!Num(r, ra, out double a) || !Num(r, dec, out double d) || a < 0 || a >= 360 || d < -90 || d > 90)
            return (null, $"malformed: {ra}/{dec}");
        return (new SurveyEntry(r.Get(id)?.Trim() ?? "", a, d, z, quality), null);
    }

    /// <summary>An SDSS redshift column counts as set when present, non-empty, and not 0 or −9999 (exports differ).</summary>
    private static bool SdssSet(ISurveyRow r, string column, out double z) => Num(r, column, out z) && z != 0 && z > -9000;

    private static (SurveyEntry?, string?) Sdss(ISurveyRow r)
    {
        if (Missing(r, "specObjID", "ra", "dec", "z", "zWarning", "class") is { } m) return (null, m);
        if (!Num(r, "zWarning", out double warn)) return (null, "malformed: zWarning");
        if (warn != 0) return (null, "zWarning != 0");
        if (!string.Equals(r.Get("class")?.Trim(), "GALAXY", StringComparison.OrdinalIgnoreCase)) return (null, "class != GALAXY");
        double z;
        if (!SdssSet(r, "z_person", out z) && !SdssSet(r, "z_noqso", out z) && !Num(r, "z", out z)) return (null, "malformed: z");
        return Position(r, "specObjID", "ra", "dec", z, $"zWarning={warn}");
    }

    private static (SurveyEntry?, string?) Desi(ISurveyRow r)
    {
        if (Missing(r, "TARGETID", "TARGET_RA", "TARGET_DEC", "Z", "ZWARN", "SPECTYPE") is { } m) return (null, m);
        if (!Num(r, "ZWARN", out double warn)) return (null, "malformed: ZWARN");
        if (warn != 0) return (null, "ZWARN != 0");
        if (!string.Equals(r.Get("SPECTYPE")?.Trim(), "GALAXY", StringComparison.OrdinalIgnoreCase)) return (null, "SPECTYPE != GALAXY");
        if (!Num(r, "Z", out double z)) return (null, "malformed: Z");
        return Position(r, "TARGETID", "TARGET_RA", "TARGET_DEC", z, "ZWARN=0");
    }

    private static (SurveyEntry?, string?) Deep2(ISurveyRow r)
    {
        string zc = r.Get("ZBEST") is not null ? "ZBEST" : "Z";
        if (Missing(r, "OBJNO", "RA", "DEC", zc, "ZQUALITY", "CLASS") is { } m) return (null, m);
        if (!Num(r, "ZQUALITY", out double q)) return (null, "malformed: ZQUALITY");
        if (q <= 2) return (null, "ZQUALITY <= 2");
        if (!string.Equals(r.Get("CLASS")?.Trim(), "GALAXY", StringComparison.OrdinalIgnoreCase)) return (null, "CLASS != GALAXY");
        if (!Num(r, zc, out double z)) return (null, $"malformed: {zc}");
        return Position(r, "OBJNO", "RA", "DEC", z, $"ZQUALITY={q}");
    }

    private static (SurveyEntry?, string?) Gama(ISurveyRow r)
    {
        if (Missing(r, "CATAID", "RA", "DEC", "Z", "NQ") is { } m) return (null, m);
        if (!Num(r, "NQ", out double nq)) return (null, "malformed: NQ");
        if (nq < 3) return (null, "NQ < 3");
        if (!Num(r, "Z", out double z)) return (null, "malformed: Z");
        return Position(r, "CATAID", "RA", "DEC", z, $"NQ={nq}");
    }

    private static (SurveyEntry?, string?) Vvds(ISurveyRow r)
    {
        if (Missing(r, "NUM", "ALPHA", "DELTA", "Z", "ZFLAGS") is { } m) return (null, m);
        if (!Num(r, "ZFLAGS", out double f)) return (null, "malformed: ZFLAGS");
        if (f is not (3 or 4)) return (null, "ZFLAGS not 3 or 4");
        if (!Num(r, "Z", out double z)) return (null, "malformed: Z");
        return Position(r, "NUM", "ALPHA", "DELTA", z, $"ZFLAGS={f}");
    }

    private static (SurveyEntry?, string?) Vipers(ISurveyRow r)
    {
        if (Missing(r, "num", "alpha", "delta", "zspec", "zflg", "classFlag") is { } m) return (null, m);
        if (!Num(r, "zflg", out double f) || !Num(r, "classFlag", out double c)) return (null, "malformed: zflg/classFlag");
        if (!(f >= 2 && f < 5)) return (null, "zflg not in [2, 5)");
        if (c is not (0 or 1)) return (null, "classFlag not 0 or 1");
        if (!Num(r, "zspec", out double z)) return (null, "malformed: zspec");
        return Position(r, "num", "alpha", "delta", z, $"zflg={f}");
    }

    private static (SurveyEntry?, string?) SixDf(ISurveyRow r)
    {
        if (Missing(r, "TARGETNAME", "RA", "DEC", "Z", "QUALITY") is { } m) return (null, m);
        if (!Num(r, "QUALITY", out double q)) return (null, "malformed: QUALITY");
        if (q is not (3 or 4)) return (null, "QUALITY not 3 or 4");
        if (!Num(r, "Z", out double z)) return (null, "malformed: Z");
        return Position(r, "TARGETNAME", "RA", "DEC", z, $"QUALITY={q}");
    }

    private static (SurveyEntry?, string?) WiggleZ(ISurveyRow r)
    {
        if (Missing(r, "WiggleZ_Name", "RA", "Dec", "Redshift", "Q") is { } m) return (null, m);
        if (!Num(r, "Q", out double q)) return (null, "malformed: Q");
        if (q < 4) return (null, "Q < 4");
        if (!Num(r, "Redshift", out double z)) return (null, "malformed: Redshift");
        return Position(r, "WiggleZ_Name", "RA", "Dec", z, $"Q={q}");
    }
}
