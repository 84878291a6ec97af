using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;

namespace MantisShrimp.Engine.Dust;

/// <summary>
/// A full-sky HEALPix map in Galactic coordinates read from (or written to) a FITS BINTABLE, the layout of the
/// published dust maps: ORDERING = RING | NESTED, NSIDE, one float column (any repeat count per row).
/// </summary>
public sealed class HealpixMap
{
    public HealpixMap(int nside, HealpixOrdering ordering, float[] values)
    {
        if (!Healpix.IsValidNside(nside)) throw new ArgumentException($"NSIDE {nside} is not a power of two.");
        if (values.Length != Healpix.Pixels(nside)) throw new ArgumentException($"A map of NSIDE {nside} has {Healpix.Pixels(nside)} pixels, got {values.Length}.");
        Nside = nside;
        Ordering = ordering;
        Values = values;
    }

    public int Nside { get; }
    public HealpixOrdering Ordering { get; }
    public float[] Values { get; }

    /// <summary>Value of the pixel containing Galactic (l, b) — nearest pixel, no interpolation.</summary>
    public double AtGalactic(double lDeg, double bDeg) => Values[Healpix.LonLatToPixel(Nside, Ordering, lDeg, bDeg)];

    /// <summary>Value at an ICRS position.</summary>
    public double AtIcrs(double raDeg, double decDeg)
    {
        var (l, b) = Galactic.FromIcrs(raDeg, decDeg);
        return AtGalactic(l, b);
    }

    /// <summary>
    /// Reads column <paramref name="column"/> of the BINTABLE named <paramref name="extension"/> (or the first
    /// BINTABLE). ORDERING comes from that HDU's header, NSIDE from the header or the pixel count.
    /// </summary>
    public static HealpixMap Load(string path, string column, string? extension = null)
    {
        using var f = FitsFile.Open(path);
        var table = extension is null ? f.ReadFirstTable() : f.ReadTable(f.Hdu(extension));
        string ordering = (table.Header.GetStringOrNull("ORDERING") ?? f.Hdus[0].Header.GetStringOrNull("ORDERING") ?? "")
            .Trim().ToUpperInvariant();
        var order = ordering switch
        {
            "RING" => HealpixOrdering.Ring,
            "NESTED" or "NEST" => HealpixOrdering.Nested,
            _ => throw new FitsFormatException(path, $"HEALPix ORDERING keyword is '{ordering}' (expected RING or NESTED)"),
        };
        var values = table.ReadSingles(column);
        int nside = (int)Math.Round(Math.Sqrt(values.Length / 12.0));
        if (table.Header.TryGetLong("NSIDE", out long declared) && declared != nside)
            throw new FitsFormatException(path, $"NSIDE = {declared} but column {column} holds {values.Length} pixels (NSIDE {nside})");
        if (!Healpix.IsValidNside(nside) || Healpix.Pixels(nside) != values.Length)
            throw new FitsFormatException(path, $"column {column} holds {values.Length} values, not a HEALPix map");
        return new HealpixMap(nside, order, values);
    }

    /// <summary>Writes the map as a BINTABLE (1024 values per row, as healpy does) with the HEALPix keywords.</summary>
    public void Write(string path, string column, string? extension, IEnumerable<FitsCard>? extraCards = null)
    {
        int repeat = Values.Length % 1024 == 0 ? 1024 : 1;
        var cards = new List<FitsCard>
        {
            FitsCard.Of("PIXTYPE", "HEALPIX", "HEALPIX pixelisation"),
            FitsCard.Of("ORDERING", Ordering == HealpixOrdering.Ring ? "RING" : "NESTED", "Pixel ordering scheme"),
            FitsCard.Of("NSIDE", (long)Nside, "Resolution parameter"),
            FitsCard.Of("FIRSTPIX", 0L),
            FitsCard.Of("LASTPIX", Values.LongLength - 1),
            FitsCard.Of("INDXSCHM", "IMPLICIT"),
            FitsCard.Of("COORDSYS", "G", "Galactic coordinates"),
        };
        if (extraCards is not null) cards.AddRange(extraCards);
        FitsWriter.WriteFile(path, w => w.WriteTable([new FitsTableColumn(column, 'E', repeat, Values)], cards, extension));
    }
}

/// <summary>
/// The two E(B−V) maps the model takes as inputs (paper §4.1): CSFD (Chiang 2023) and Planck 2013 thermal
/// dust, in the files and layouts the public releases use.
/// </summary>
public sealed class DustMaps(HealpixMap csfd, HealpixMap planck)
{
    public const string CsfdFile = "csfd_ebv.fits", CsfdColumn = "T";
    public const string PlanckFile = "HFI_CompMap_ThermalDustModel_2048_R1.20.fits", PlanckExtension = "COMP-MAP", PlanckColumn = "EBV";

    public HealpixMap Csfd { get; } = csfd;
    public HealpixMap Planck { get; } = planck;

    /// <summary>Loads both maps from a folder holding the two files.</summary>
    public static DustMaps Load(string directory)
    {
        string c = Path.Combine(directory, CsfdFile), p = Path.Combine(directory, PlanckFile);
        foreach (var f in new[] { c, p })
            if (!File.Exists(f)) throw new Common.UserInputException($"Dust map not found: {f}");
        return new DustMaps(HealpixMap.Load(c, CsfdColumn), HealpixMap.Load(p, PlanckColumn, PlanckExtension));
    }

    /// <summary>E(B−V) from both maps at an ICRS position (nearest pixel in Galactic coordinates).</summary>
    public (double Csfd, double Planck) At(double raDeg, double decDeg)
    {
        var (l, b) = Sky.Galactic.FromIcrs(raDeg, decDeg);
        return (Csfd.AtGalactic(l, b), Planck.AtGalactic(l, b));
    }
}
