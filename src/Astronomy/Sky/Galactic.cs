namespace MantisShrimp.Engine.Sky;

/// <summary>
/// ICRS ↔ Galactic (l, b) by the fixed rotation of the Hipparcos/ICRS definition (the matrix astropy uses,
/// from the IAU 1958 system transformed to ICRS; agrees with astropy to ~1e-8°).
/// </summary>
public static class Galactic
{
    private const double Deg = Math.PI / 180.0;

    // Rows: unit vectors of the Galactic axes expressed in ICRS (A_G' of the Hipparcos catalogue, vol. 1, §1.5.3).
    private static readonly double[,] IcrsToGal =
    {
        { -0.0548755604162154, -0.8734370902348850, -0.4838350155487132 },
        { +0.4941094278755837, -0.4448296299600112, +0.7469822444972189 },
        { -0.8676661490190047, -0.1980763734312015, +0.4559837761750669 },
    };

    public static (double L, double B) FromIcrs(double raDeg, double decDeg)
    {
        var v = UnitVector.Of(raDeg, decDeg);
        double x = IcrsToGal[0, 0] * v.X + IcrsToGal[0, 1] * v.Y + IcrsToGal[0, 2] * v.Z;
        double y = IcrsToGal[1, 0] * v.X + IcrsToGal[1, 1] * v.Y + IcrsToGal[1, 2] * v.Z;
        double z = IcrsToGal[2, 0] * v.X + IcrsToGal[2, 1] * v.Y + IcrsToGal[2, 2] * v.Z;
        return UnitVector.Angles(x, y, z);
    }

    public static (double Ra, double Dec) ToIcrs(double lDeg, double bDeg)
    {
        var v = UnitVector.Of(lDeg, bDeg);
        double x = IcrsToGal[0, 0] * v.X + IcrsToGal[1, 0] * v.Y + IcrsToGal[2, 0] * v.Z;
        double y = IcrsToGal[0, 1] * v.X + IcrsToGal[1, 1] * v.Y + IcrsToGal[2, 1] * v.Z;
        double z = IcrsToGal[0, 2] * v.X + IcrsToGal[1, 2] * v.Y + IcrsToGal[2, 2] * v.Z;
        return UnitVector.Angles(x, y, z);
    }
}
