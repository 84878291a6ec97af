using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Engine.Sky;

/// <summary>
/// Gnomonic (TAN) world coordinate system (Calabretta &amp; Greisen 2002, FITS WCS paper II) for celestial
/// images. Reads CRVAL/CRPIX with the linear part given by CDi_j, or PCi_j (also the old
/// <c>PC00i00j</c> form PS1's fitscut writes) times CDELTi, or CDELTi with CROTA2. Pixel coordinates are
/// FITS 1-based: the centre of the first pixel is (1, 1); the centre of an N×N image is ((N+1)/2, (N+1)/2).
/// </summary>
public sealed class TanWcs
{
    private const double Deg = Math.PI / 180.0;

    private readonly double _cd11, _cd12, _cd21, _cd22;
    private readonly double _inv11, _inv12, _inv21, _inv22;
    private readonly double _sinDec0, _cosDec0;

    /// <param name="lonPole">LONPOLE, the native longitude of the celestial pole; null for the standard's default
    /// (<see cref="DefaultLonPole"/>).</param>
    public TanWcs(double crval1, double crval2, double crpix1, double crpix2,
        double cd11, double cd12, double cd21, double cd22, double? lonPole = null)
    {
        Crval1 = crval1;
        Crval2 = crval2;
        Crpix1 = crpix1;
        Crpix2 = crpix2;
        (_cd11, _cd12, _cd21, _cd22) = (cd11, cd12, cd21, cd22);
        double det = cd11 * cd22 - cd12 * cd21;
        if (det == 0 || !double.IsFinite(det))
            throw new ArgumentException("WCS linear transformation matrix is singular.");
        (_inv11, _inv12, _inv21, _inv22) = (cd22 / det, -cd12 / det, -cd21 / det, cd11 / det);
        LonPole = lonPole ?? DefaultLonPole(crval2);
        _sinDec0 = Math.Sin(crval2 * Deg);
        _cosDec0 = Math.Cos(crval2 * Deg);
    }

    public double Crval1 { get; }
    public double Crval2 { get; }
    public double Crpix1 { get; }
    public double Crpix2 { get; }
    public double LonPole { get; }

    /// <summary>
    /// The default LONPOLE for a zenithal projection (θ0 = 90°; Calabretta &amp; Greisen 2002, §2.5): 0° when the
    /// reference point is the celestial north pole (δ0 ≥ θ0), 180° otherwise. A tangent point on the pole with
    /// 180° would turn every position 180° in RA (a PS1 projection cell is centred there).
    /// </summary>
    public static double DefaultLonPole(double crval2) => crval2 >= NativeLatitudeOfReference ? 0.0 : 180.0;

    /// <summary>θ0 of zenithal projections such as TAN: the reference point is the native pole.</summary>
    private const double NativeLatitudeOfReference = 90.0;

    /// <summary>Pixel scale along each axis, arcsec/pixel (the column norms of the CD matrix).</summary>
    public (double X, double Y) PixelScaleArcsec =>
        (Math.Sqrt(_cd11 * _cd11 + _cd21 * _cd21) * 3600, Math.Sqrt(_cd12 * _cd12 + _cd22 * _cd22) * 3600);

    /// <summary>A TAN WCS centred on (ra, dec) for an N×N image with square pixels, north up, east left.</summary>
    public static TanWcs Centered(double ra, double dec, int size, double scaleArcsec) =>
        new(ra, dec, (size + 1) / 2.0, (size + 1) / 2.0, -scaleArcsec / 3600, 0, 0, scaleArcsec / 3600);

    /// <summary>The axis types read: celestial TAN without distortion terms (anything else is refused, not approximated).</summary>
    public const string RaTan = "RA---TAN", DecTan = "DEC--TAN";

    /// <summary>
    /// Reads the WCS from an image header; <paramref name="file"/> names the file in errors. Strict on what it reads: the
    /// axis types must be exactly <see cref="RaTan"/>/<see cref="DecTan"/> (trailing blanks aside), and a WCS keyword that is
    /// present but not a finite number is an error naming it rather than its default.
    /// </summary>
    public static TanWcs FromHeader(FitsHeader h, string file) => FromHeader((IFitsKeywords)h, file);

    /// <inheritdoc cref="FromHeader(FitsHeader, string)"/>
    public static TanWcs FromHeader(IFitsKeywords h, string file)
    {
        foreach (string key in (ReadOnlySpan<string>)["CTYPE1", "CTYPE2"])
            if (!h.Contains(key) || !h.TryGetStringSpan(key, out _)) throw new FitsFormatException(file, $"no WCS: {key} is missing");
        CheckAxisType(h, "CTYPE1", RaTan, file);
        CheckAxisType(h, "CTYPE2", DecTan, file);

        double Req(string k) => h.TryGetDouble(k, out var v) && double.IsFinite(v) ? v
            : throw new FitsFormatException(file, $"WCS keyword {k} is missing or not a finite number");
        double Opt(string k, double fallback) => !h.Contains(k) ? fallback
            : h.TryGetDouble(k, out var v) && double.IsFinite(v) ? v
            : throw new FitsFormatException(file,
                $"WCS keyword {k} = '{(h.TryGetStringSpan(k, out var text) ? text.ToString() : "")}' is not a finite number");

        double crval1 = Req("CRVAL1"), crval2 = Req("CRVAL2"), crpix1 = Req("CRPIX1"), crpix2 = Req("CRPIX2");
        double cd11, cd12, cd21, cd22;
        if (h.Contains("CD1_1") || h.Contains("CD1_2") || h.Contains("CD2_1") || h.Contains("CD2_2"))
        {
            (cd11, cd12, cd21, cd22) = (Opt("CD1_1", 0), Opt("CD1_2", 0), Opt("CD2_1", 0), Opt("CD2_2", 0));
        }
        else
        {
            double cdelt1 = Req("CDELT1"), cdelt2 = Req("CDELT2");
            // PCi_j, or the old PC00i00j form when PCi_j is absent (literal names: this runs per cutout).
            double Pc(string modern, string old, double fallback) => h.Contains(modern) ? Opt(modern, fallback) : Opt(old, fallback);
            bool hasPc = h.Contains("PC1_1") || h.Contains("PC1_2") || h.Contains("PC2_1") || h.Contains("PC2_2")
                         || h.Contains("PC001001") || h.Contains("PC001002") || h.Contains("PC002001") || h.Contains("PC002002");
            double pc11 = 1, pc12 = 0, pc21 = 0, pc22 = 1;
            if (hasPc)
                (pc11, pc12, pc21, pc22) = (Pc("PC1_1", "PC001001", 1), Pc("PC1_2", "PC001002", 0), Pc("PC2_1", "PC002001", 0),
                    Pc("PC2_2", "PC002002", 1));
            else if (Opt("CROTA2", 0) is var rot && rot != 0)
            {
                // AIPS convention: CROTA2 rotates the image; PC = [[cos, -sin·(cdelt2/cdelt1)], [sin·(cdelt1/cdelt2), cos]].
                double c = Math.Cos(rot * Deg), s = Math.Sin(rot * Deg);
                (pc11, pc12, pc21, pc22) = (c, -s * cdelt2 / cdelt1, s * cdelt1 / cdelt2, c);
            }
            (cd11, cd12, cd21, cd22) = (cdelt1 * pc11, cdelt1 * pc12, cdelt2 * pc21, cdelt2 * pc22);
        }
        try
        {
            return new TanWcs(crval1, crval2, crpix1, crpix2, cd11, cd12, cd21, cd22, Opt("LONPOLE", DefaultLonPole(crval2)));
        }
        catch (ArgumentException e)
        {
            throw new FitsFormatException(file, e.Message, e);
        }
    }

    private static void CheckAxisType(IFitsKeywords h, string key, string want, string file)
    {
        if (!h.TryGetStringSpan(key, out var value)) throw new FitsFormatException(file, $"no WCS: {key} is missing");
        if (!value.TrimEnd().SequenceEqual(want))
            throw new FitsFormatException(file,
                $"unsupported WCS: {key} = '{value}' (only TAN without distortion terms: CTYPE1 = '{RaTan}', CTYPE2 = '{DecTan}')");
    }

    /// <summary>FITS 1-based pixel (x, y) → (RA, Dec) in degrees, RA in [0, 360).</summary>
    public (double Ra, double Dec) PixelToSky(double x, double y)
    {
        double dx = x - Crpix1, dy = y - Crpix2;
        double xi = _cd11 * dx + _cd12 * dy;   // intermediate world coordinates, degrees
        double eta = _cd21 * dx + _cd22 * dy;
        // Native spherical: φ = atan2(x, −y), θ = atan(180/π / R).
        double r = Math.Sqrt(xi * xi + eta * eta);
        double phi = r == 0 ? 0 : Math.Atan2(xi, -eta);
        double theta = Math.Atan2(180.0 / Math.PI, r);
        // Native → celestial with the pole at (α0, δ0) and native longitude of the celestial pole φp.
        double dphi = phi - LonPole * Deg;
        double sinT = Math.Sin(theta), cosT = Math.Cos(theta);
        double dec = Math.Asin(Math.Clamp(sinT * _sinDec0 + cosT * _cosDec0 * Math.Cos(dphi), -1, 1));
        double ra = Crval1 * Deg + Math.Atan2(-cosT * Math.Sin(dphi), sinT * _cosDec0 - cosT * _sinDec0 * Math.Cos(dphi));
        double raDeg = ra / Deg % 360.0;
        if (raDeg < 0) raDeg += 360.0;
        return (raDeg, dec / Deg);
    }

    /// <summary>(RA, Dec) in degrees → FITS 1-based pixel (x, y). NaN for points on or behind the tangent plane's horizon.</summary>
    public (double X, double Y) SkyToPixel(double ra, double dec)
    {
        double a = ra * Deg, d = dec * Deg, da = a - Crval1 * Deg;
        double sinD = Math.Sin(d), cosD = Math.Cos(d);
        double sinTheta = sinD * _sinDec0 + cosD * _cosDec0 * Math.Cos(da);
        if (sinTheta <= 0) return (double.NaN, double.NaN);
        double phi = LonPole * Deg + Math.Atan2(-cosD * Math.Sin(da), sinD * _cosDec0 - cosD * _sinDec0 * Math.Cos(da));
        double theta = Math.Asin(Math.Clamp(sinTheta, -1, 1));
        double r = 180.0 / Math.PI * Math.Cos(theta) / Math.Sin(theta);
        double xi = r * Math.Sin(phi), eta = -r * Math.Cos(phi);
        return (_inv11 * xi + _inv12 * eta + Crpix1, _inv21 * xi + _inv22 * eta + Crpix2);
    }

    /// <summary>The sky position of the centre of a width×height image.</summary>
    public (double Ra, double Dec) CenterOf(int width, int height) => PixelToSky((width + 1) / 2.0, (height + 1) / 2.0);

    /// <summary>The cards of this WCS for a header (CTYPE, CRVAL, CRPIX, CD).</summary>
    public IEnumerable<FitsCard> ToCards()
    {
        yield return FitsCard.Of("CTYPE1", "RA---TAN");
        yield return FitsCard.Of("CTYPE2", "DEC--TAN");
        yield return FitsCard.Of("CRVAL1", Crval1);
        yield return FitsCard.Of("CRVAL2", Crval2);
        yield return FitsCard.Of("CRPIX1", Crpix1);
        yield return FitsCard.Of("CRPIX2", Crpix2);
        yield return FitsCard.Of("CD1_1", _cd11);
        yield return FitsCard.Of("CD1_2", _cd12);
        yield return FitsCard.Of("CD2_1", _cd21);
        yield return FitsCard.Of("CD2_2", _cd22);
        if (LonPole != DefaultLonPole(Crval2)) yield return FitsCard.Of("LONPOLE", LonPole);
    }

    /// <summary>Great-circle separation in arcsec.</summary>
    public static double SeparationArcsec(double ra1, double dec1, double ra2, double dec2)
    {
        double d1 = dec1 * Deg, d2 = dec2 * Deg, dra = (ra2 - ra1) * Deg;
        double s = Math.Sin((d2 - d1) / 2), t = Math.Sin(dra / 2);
        double h = s * s + Math.Cos(d1) * Math.Cos(d2) * t * t;
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(h))) / Deg * 3600;
    }
}
