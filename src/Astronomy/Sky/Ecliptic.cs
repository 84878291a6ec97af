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
        var (x, y, z) = UnitVector.Of(raDeg, decDeg);
        return UnitVector.Angles(x, Cos * y + Sin * z, -Sin * y + Cos * z);
    }

    public static (double Ra, double Dec) ToIcrs(double lonDeg, double latDeg)
    {
        var (x, y, z) = UnitVector.Of(lonDeg, latDeg);
        return UnitVector.Angles(x, Cos * y - Sin * z, Sin * y + Cos * z);
    }
}
