using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Dust;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;

namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// A smooth model of Galactic reddening for the mock universe: a cosecant-law disk (E ≈ 0.02 at the poles,
/// rising toward the plane, modulated in longitude) plus a fixed set of diffuse clouds. The "Planck" map is
/// the same sky with a ±6% large-scale difference and a 0.004 offset — two slightly different maps, like the real pair.
/// The model is fixed (independent of the simulation seed), so every run sees the same sky.
/// </summary>
public static class DustSky
{
    public const int DefaultNside = 256;

    private static readonly (double L, double B, double Amplitude, double Width)[] Clouds = BuildClouds();

    private static (double, double, double, double)[] BuildClouds()
    {
        var rng = new SplitMix64(0xD057);
        return Enumerable.Range(0, 24).Select(_ =>
            (360 * rng.NextDouble(), -70 + 140 * rng.NextDouble(), 0.02 + 0.15 * rng.NextDouble(), 3 + 12 * rng.NextDouble())).ToArray();
    }

    public static double Csfd(double l, double b)
    {
        double sinb = Math.Abs(Math.Sin(b * Math.PI / 180));
        double disk = 0.018 / (sinb + 0.02) * (0.55 + 0.45 * Math.Pow(Math.Cos(l * Math.PI / 360), 2));
        double clouds = 0;
        foreach (var c in Clouds)
        {
            double sep = TanWcs.SeparationArcsec(c.L, c.B, l, b) / 3600;
            if (sep < 4 * c.Width) clouds += c.Amplitude * Math.Exp(-0.5 * sep * sep / (c.Width * c.Width));
        }
        return Math.Min(disk + clouds, 8.0);
    }

    public static double Planck(double l, double b) =>
        Csfd(l, b) * (1 + 0.06 * Math.Sin(2 * l * Math.PI / 180) * Math.Cos(b * Math.PI / 180)) + 0.004;

    /// <summary>
    /// Writes the two maps into <c>directory</c> (CSFD: RING, column T; Planck: NESTED, extension COMP-MAP,
    /// column EBV) unless identical files are already there, and returns them loaded through the real reader.
    /// </summary>
    public static DustMaps WriteMaps(string directory, int nside = DefaultNside)
    {
        Directory.CreateDirectory(directory);
        string csfdPath = Path.Combine(directory, DustMaps.CsfdFile), planckPath = Path.Combine(directory, DustMaps.PlanckFile);
        if (!(File.Exists(csfdPath) && File.Exists(planckPath) && SameNside(csfdPath, planckPath, nside)))
        {
            var csfd = new float[Healpix.Pixels(nside)];
            var planck = new float[csfd.Length];
            Parallel.For(0, csfd.Length, p =>
            {
                var (l, b) = Healpix.PixelToLonLat(nside, HealpixOrdering.Ring, p);
                csfd[p] = (float)Csfd(l, b);
                var (ln, bn) = Healpix.PixelToLonLat(nside, HealpixOrdering.Nested, p);
                planck[p] = (float)Planck(ln, bn);
            });
            var note = FitsCard.Commentary("COMMENT", "Mantis Shrimp mock-universe dust model (not real data)");
            new HealpixMap(nside, HealpixOrdering.Ring, csfd).Write(csfdPath, DustMaps.CsfdColumn, "xtension",
                [note, FitsCard.Of("UNITS", "mag", "E(B-V)")]);
            new HealpixMap(nside, HealpixOrdering.Nested, planck).Write(planckPath, DustMaps.PlanckColumn, DustMaps.PlanckExtension,
                [note]);
        }
        return DustMaps.Load(directory);
    }

    private static bool SameNside(string a, string b, int nside)
    {
        try
        {
            var ma = HealpixMap.Load(a, DustMaps.CsfdColumn);
            var mb = HealpixMap.Load(b, DustMaps.PlanckColumn, DustMaps.PlanckExtension);
            return ma.Nside == nside && mb.Nside == nside;
        }
        catch (FitsFormatException)
        {
            return false;
        }
    }
}
