namespace MantisShrimp.Engine.Sky;

/// <summary>
/// HEALPix pixelisation (Górski et al. 2005): angle ↔ pixel index in the RING and NESTED schemes, following
/// the reference C implementation. θ is colatitude (0 at the north pole), φ longitude, both radians.
/// </summary>
public static class Healpix
{
    public static long Pixels(int nside) => 12L * nside * nside;

    public static bool IsValidNside(int nside) => nside > 0 && nside <= 1 << 29 && (nside & (nside - 1)) == 0;

    /// <summary>Pixel containing (lon, lat) in degrees (e.g. Galactic l, b).</summary>
    public static long LonLatToPixel(int nside, HealpixOrdering ordering, double lonDeg, double latDeg)
    {
        double theta = (90.0 - latDeg) * Math.PI / 180.0, phi = lonDeg * Math.PI / 180.0;
        return ordering == HealpixOrdering.Ring ? Ang2PixRing(nside, theta, phi) : Ang2PixNest(nside, theta, phi);
    }

    /// <summary>Centre of a pixel as (lon, lat) in degrees.</summary>
    public static (double Lon, double Lat) PixelToLonLat(int nside, HealpixOrdering ordering, long pixel)
    {
        var (theta, phi) = ordering == HealpixOrdering.Ring ? Pix2AngRing(nside, pixel) : Pix2AngNest(nside, pixel);
        double lon = phi * 180.0 / Math.PI;
        if (lon < 0) lon += 360;
        return (lon, 90.0 - theta * 180.0 / Math.PI);
    }

    public static long Ang2PixRing(int nside, double theta, double phi)
    {
        double z = Math.Cos(theta), za = Math.Abs(z);
        double tt = Modulo(phi, 2 * Math.PI) * (2 / Math.PI); // in [0, 4)
        long ns = nside;
        if (za <= 2.0 / 3.0)
        {
            double temp1 = ns * (0.5 + tt), temp2 = ns * z * 0.75;
            long jp = (long)(temp1 - temp2), jm = (long)(temp1 + temp2);
            long ir = ns + 1 + jp - jm;          // ring number counted from z = 2/3, 1..2nside+1
            long kshift = 1 - (ir & 1);
            long ip = (jp + jm - ns + kshift + 1) / 2;
            ip = Modulo(ip, 4 * ns);
            return 2 * ns * (ns - 1) + (ir - 1) * 4 * ns + ip;
        }
        double tp = tt - (long)tt;
        double tmp = ns * Math.Sqrt(3 * (1 - za));
        long jp2 = (long)(tp * tmp), jm2 = (long)((1.0 - tp) * tmp);
        long ir2 = jp2 + jm2 + 1;
        long ip2 = (long)(tt * ir2);
        ip2 = Modulo(ip2, 4 * ir2);
        return z > 0 ? 2 * ir2 * (ir2 - 1) + ip2 : 12 * ns * ns - 2 * ir2 * (ir2 + 1) + ip2;
    }

    public static long Ang2PixNest(int nside, double theta, double phi)
    {
        double z = Math.Cos(theta), za = Math.Abs(z);
        double tt = Modulo(phi, 2 * Math.PI) * (2 / Math.PI);
        long ns = nside;
        long face, ix, iy;
        if (za <= 2.0 / 3.0)
        {
            double temp1 = ns * (0.5 + tt), temp2 = ns * (z * 0.75);
            long jp = (long)(temp1 - temp2), jm = (long)(temp1 + temp2);
            long ifp = jp / ns, ifm = jm / ns;
            face = ifp == ifm ? (ifp | 4) : ifp < ifm ? ifp : ifm + 8;
            ix = jm & (ns - 1);
            iy = ns - (jp & (ns - 1)) - 1;
        }
        else
        {
            long ntt = Math.Min((long)tt, 3);
            double tp = tt - ntt;
            double tmp = ns * Math.Sqrt(3 * (1 - za));
            long jp = Math.Min((long)(tp * tmp), ns - 1), jm = Math.Min((long)((1.0 - tp) * tmp), ns - 1);
            if (z >= 0)
            {
                face = ntt;
                ix = ns - jm - 1;
                iy = ns - jp - 1;
            }
            else
            {
                face = ntt + 8;
                ix = jp;
                iy = jm;
            }
        }
        return face * ns * ns + Interleave(ix, iy);
    }

    // Face layout of the base pixels: ring index (in units of nside) and longitude offset.
    private static readonly int[] JRll = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
    private static readonly int[] JPll = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];

    public static (double Theta, double Phi) Pix2AngNest(int nside, long pix)
    {
        long ns = nside, npface = ns * ns;
        long face = pix / npface;
        var (ix, iy) = Deinterleave(pix & (npface - 1));
        long jr = JRll[face] * ns - ix - iy - 1;
        long nr, kshift;
        double z;
        if (jr < ns)
        {
            nr = jr;
            double tmp = nr * nr / (3.0 * ns * ns);
            z = 1 - tmp;
            kshift = 0;
        }
        else if (jr > 3 * ns)
        {
            nr = 4 * ns - jr;
            double tmp = nr * nr / (3.0 * ns * ns);
            z = tmp - 1;
            kshift = 0;
        }
        else
        {
            nr = ns;
            z = (2 * ns - jr) * 2.0 / (3.0 * ns);
            kshift = (jr - ns) & 1;
        }
        long jp = (JPll[face] * nr + ix - iy + 1 + kshift) / 2;
        if (jp > 4 * ns) jp -= 4 * ns;
        if (jp < 1) jp += 4 * ns;
        double phi = (jp - (kshift + 1) * 0.5) * (Math.PI / 2 / nr);
        return (Math.Acos(Math.Clamp(z, -1, 1)), phi);
    }

    public static (double Theta, double Phi) Pix2AngRing(int nside, long pix)
    {
        long ns = nside, ncap = 2 * ns * (ns - 1), npix = 12 * ns * ns;
        if (pix < ncap)
        {
            long iring = (1 + (long)Math.Sqrt(1 + 2 * pix)) >> 1; // counted from the north pole
            while (2 * iring * (iring - 1) > pix) iring--;
            while (2 * (iring + 1) * iring <= pix) iring++;
            long iphi = pix - 2 * iring * (iring - 1) + 1;
            double z = 1 - iring * iring / (3.0 * ns * ns);
            return (Math.Acos(z), (iphi - 0.5) * Math.PI / (2 * iring));
        }
        if (pix < npix - ncap)
        {
            long ip = pix - ncap;
            long iring = ip / (4 * ns) + ns;
            long iphi = ip % (4 * ns) + 1;
            double fodd = ((iring + ns) & 1) != 0 ? 1 : 0.5;
            double z = (2 * ns - iring) * 2.0 / (3.0 * ns);
            return (Math.Acos(z), (iphi - fodd) * Math.PI / (2 * ns));
        }
        {
            long ip = npix - pix;
            long iring = (1 + (long)Math.Sqrt(2 * ip - 1)) >> 1;
            while (2 * iring * (iring - 1) >= ip) iring--;
            while (2 * (iring + 1) * iring < ip) iring++;
            long iphi = 4 * iring + 1 - (ip - 2 * iring * (iring - 1));
            double z = iring * iring / (3.0 * ns * ns) - 1;
            return (Math.Acos(z), (iphi - 0.5) * Math.PI / (2 * iring));
        }
    }

    private static long Interleave(long x, long y)
    {
        long result = 0;
        for (int bit = 0; bit < 30; bit++)
        {
            result |= ((x >> bit) & 1) << (2 * bit);
            result |= ((y >> bit) & 1) << (2 * bit + 1);
        }
        return result;
    }

    private static (long X, long Y) Deinterleave(long v)
    {
        long x = 0, y = 0;
        for (int bit = 0; bit < 30; bit++)
        {
            x |= ((v >> (2 * bit)) & 1) << bit;
            y |= ((v >> (2 * bit + 1)) & 1) << bit;
        }
        return (x, y);
    }

    private static double Modulo(double a, double b)
    {
        double r = a % b;
        return r < 0 ? r + b : r;
    }

    private static long Modulo(long a, long b)
    {
        long r = a % b;
        return r < 0 ? r + b : r;
    }
}
