namespace MantisShrimp.Engine.Sky;

/// <summary>
/// ICRS ↔ mean ecliptic of J2000 by the rotation about the x axis through the IAU 1976 J2000 mean obliquity
/// (what HEALPix maps with <c>COORDSYS = 'E'</c> mean). Frame bias and the IAU 2006 obliquity are ignored: astropy's
/// BarycentricMeanEcliptic differs by ≈ 0.04″ (measured in the conformance suite, docs/conformance.md), far below
/// any map's pixel.
/// </summary>
public static class Ecliptic
{
    /// <summary>ε0 = 84381.448″ (IAU 1976, J2000.0).</summary>
    public const double ObliquityArcsec = 84381.448;

    private const double Deg = Math.PI / 180.0;
    private static readonly double Cos = Math.Cos(ObliquityArcsec / 3600 * Deg), Sin = Math.Sin(ObliquityArcsec / 3600 * Deg);

    public static (double Lon, double Lat) FromIcrs(double raDeg, double decDeg)
    {
        var (x, y, z) = Unit(raDeg, decDeg);
        return Angles(x, Cos * y + Sin * z, -Sin * y + Cos * z);
    }

    public static (double Ra, double Dec) ToIcrs(double lonDeg, double latDeg)
    {
        var (x, y, z) = Unit(lonDeg, latDeg);
        return Angles(x, Cos * y - Sin * z, Sin * y + Cos * z);
    }

    private static (double X, double Y, double Z) Unit(double lonDeg, double latDeg)
    {
        double lon = lonDeg * Deg, lat = latDeg * Deg;
        return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
    }

    private static (double Lon, double Lat) Angles(double x, double y, double z)
    {
        double lon = Math.Atan2(y, x) / Deg;
        if (lon < 0) lon += 360;
        return (lon, Math.Atan2(z, Math.Sqrt(x * x + y * y)) / Deg);
    }
}
