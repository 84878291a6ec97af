namespace MantisShrimp.Engine.Sky;

/// <summary>Spherical angles (degrees) ↔ unit vectors: the two halves of every frame rotation (Galactic, ecliptic).</summary>
internal static class UnitVector
{
    private const double Deg = Math.PI / 180.0;

    public static (double X, double Y, double Z) Of(double lonDeg, double latDeg)
    {
        double lon = lonDeg * Deg, lat = latDeg * Deg;
        return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
    }

    /// <summary>Longitude in [0, 360) and latitude of a (not necessarily unit) vector.</summary>
    public static (double Lon, double Lat) Angles(double x, double y, double z)
    {
        double lon = Math.Atan2(y, x) / Deg;
        if (lon < 0) lon += 360;
        return (lon, Math.Atan2(z, Math.Sqrt(x * x + y * y)) / Deg);
    }
}
