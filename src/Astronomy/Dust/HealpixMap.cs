using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;

namespace MantisShrimp.Engine.Dust;

/// <summary>
/// A full-sky HEALPix map read from (or written to) a FITS BINTABLE, the layout of the published dust maps:
/// ORDERING = RING | NESTED, NSIDE, COORDSYS, one float column (any repeat count per row).
/// </summary>
public sealed class HealpixMap
{
    public HealpixMap(int nside, HealpixOrdering ordering, float[] values, HealpixFrame frame = HealpixFrame.Galactic)
    {
        if (!Healpix.IsValidNside(nside)) throw new ArgumentException($"NSIDE {nside} is not a power of two.");
        if (values.Length != Healpix.Pixels(nside)) throw new ArgumentException($"A map of NSIDE {nside} has {Healpix.Pixels(nside)} " +
            $"pixels, got {values.Length}.");
        Nside = nside;
        Ordering = ordering;
        Values = values;
        Frame = frame;
    }

    public HealpixFrame Frame { get; }

    public int Nside { get; }
    public HealpixOrdering Ordering { get; }
    public float[] Values { get; }

    /// <summary>Value of the pixel containing (lon, lat) in the map's own frame — nearest pixel, no interpolation.</summary>
    public double AtNative(double lonDeg, double latDeg) => Values[Healpix.LonLatToPixel(Nside, Ordering, lonDeg, latDeg)];

    /// <summary>Value at Galactic (l, b), converted to the map's frame.</summary>
    public double AtGalactic(double lDeg, double bDeg)
    {
        if (Frame == HealpixFrame.Galactic) return AtNative(lDeg, bDeg);
        var (ra, dec) = Galactic.ToIcrs(lDeg, bDeg);
        return AtIcrs(ra, dec);
    }

    /// <summary>Value at an ICRS position, converted to the map's frame.</summary>
    public double AtIcrs(double raDeg, double decDeg)
    {
        var (lon, lat) = Frame switch
        {
            HealpixFrame.Galactic => Galactic.FromIcrs(raDeg, decDeg),
            HealpixFrame.Ecliptic => Ecliptic.FromIcrs(raDeg, decDeg),
            _ => (raDeg, decDeg),
        };
        return AtNative(lon, lat);
    }

    /// <summary>COORDSYS as healpy and the Planck releases spell it; an absent keyword means Galactic (the dust maps' frame).</summary>
    public static HealpixFrame ParseFrame(string? coordsys, string path) => (coordsys ?? "G").Trim().ToUpperInvariant() switch
    {
        "G" or "GALACTIC" => HealpixFrame.Galactic,
        "C" or "Q" or "EQUATORIAL" or "CELESTIAL" => HealpixFrame.Equatorial,
        "E" or "ECLIPTIC" => HealpixFrame.Ecliptic,
        var other => throw new FitsFormatException(path,
            $"HEALPix COORDSYS keyword is '{other}' (expected G/GALACTIC, C/EQUATORIAL or E/ECLIPTIC)"),
    };

    private static string CoordsysCode(HealpixFrame f) => f switch
    {
        HealpixFrame.Galactic => "G",
        HealpixFrame.Equatorial => "C",
        _ => "E",
    };

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
        var frame = ParseFrame(table.Header.GetStringOrNull("COORDSYS") ?? f.Hdus[0].Header.GetStringOrNull("COORDSYS"), path);
        var values = table.ReadSingles(column);
        int nside = (int)Math.Round(Math.Sqrt(values.Length / 12.0));
        if (table.Header.TryGetLong("NSIDE", out long declared) && declared != nside)
            throw new FitsFormatException(path, $"NSIDE = {declared} but column {column} holds {values.Length} pixels (NSIDE {nside})");
        if (!Healpix.IsValidNside(nside) || Healpix.Pixels(nside) != values.Length)
            throw new FitsFormatException(path, $"column {column} holds {values.Length} values, not a HEALPix map");
        return new HealpixMap(nside, order, values, frame);
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
            FitsCard.Of("COORDSYS", CoordsysCode(Frame), $"{Frame} coordinates"),
        };
        if (extraCards is not null) cards.AddRange(extraCards);
        FitsWriter.WriteFile(path, w => w.WriteTable([new FitsTableColumn(column, 'E', repeat, Values)], cards, extension));
    }
}
