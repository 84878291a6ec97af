using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// Draws galaxies: population → redshift → type → luminosity → spectrum → size and shape. Luminosities follow a
/// Schechter-like shape per population; sizes a size–luminosity relation (disks R ∝ L^0.25, bulges R ∝ L^0.55,
/// 0.15 dex scatter) shrinking as (1+z)^−0.75, turned into angles with the angular-diameter distance.
/// The BGS sample is redrawn until it passes r &lt; 17.77 (MW extinction included).
/// </summary>
public static class GalaxyPopulations
{
    public const double BgsMagnitudeLimit = 17.77;

    public static GalaxyProperties Draw(Population population, ref SplitMix64 rng, double ebvMilkyWay, Cosmology cosmology)
    {
        for (int attempt = 0; ; attempt++)
        {
            var g = DrawOnce(population, ref rng, cosmology);
            if (population != Population.Bgs || attempt > 200) return g;
            var mags = Render.ObservedMagnitudes(g, ebvMilkyWay, cosmology).Total;
            if (mags[(int)Surveys.Band.r] < BgsMagnitudeLimit) return g;
        }
    }

    // Long by design: every draw of one galaxy in one fixed order (the seed contract), read top to bottom.
    private static GalaxyProperties DrawOnce(Population population, ref SplitMix64 rng, Cosmology cosmology)
    {
        double z;
        string type;
        double absMag;
        switch (population)
        {
            case Population.Bgs:
                z = DrawGamma(ref rng, shape: 3.0, scale: 0.045, 0.005, 0.6); // mode ≈ 0.09
                type = rng.NextDouble() < 0.45 ? "red" : rng.NextDouble() < 0.5 ? "intermediate" : "starforming";
                absMag = -20.3 - 1.6 * Math.Abs(Normal(ref rng)) + 0.5 * Normal(ref rng);
                break;
            case Population.Lrg:
                z = Math.Clamp(0.62 + 0.15 * Normal(ref rng), 0.3, 1.05);
                type = "red";
                absMag = -23.0 + 0.4 * Normal(ref rng);
                break;
            case Population.Elg:
                z = Math.Clamp(0.95 + 0.25 * Normal(ref rng) + 0.15 * Math.Abs(Normal(ref rng)), 0.6, 1.59);
                type = "starforming";
                absMag = -21.9 + 0.6 * Normal(ref rng);
                break;
            default:
                z = DrawGamma(ref rng, shape: 2.2, scale: 0.25, 0.02, 1.59);
                type = rng.NextDouble() switch { < 0.3 => "red", < 0.55 => "intermediate", _ => "starforming" };
                absMag = -20.5 + 1.0 * Normal(ref rng) - 0.8 * z;
                break;
        }
        var spectrum = type switch
        {
            "red" => new GalaxySpectrum
            {
                D4000 = 1.6 + 0.6 * rng.NextDouble(), YoungFraction = 0.02 * rng.NextDouble(), Beta = -1.5,
                EbvInternal = 0.05 * rng.NextDouble(), EwHalpha = 2 * rng.NextDouble(),
            },
            "intermediate" => new GalaxySpectrum
            {
                D4000 = 1.5 + 0.4 * rng.NextDouble(), YoungFraction = 0.1 + 0.25 * rng.NextDouble(), Beta = -1.7 + 0.3 * Normal(ref rng),
                EbvInternal = 0.05 + 0.15 * rng.NextDouble(), EwHalpha = 5 + 20 * rng.NextDouble(), OiiOverHalpha = 0.4,
            },
            _ => new GalaxySpectrum
            {
                D4000 = 1.3 + 0.3 * rng.NextDouble(), YoungFraction = 0.45 + 0.5 * rng.NextDouble(), Beta = -2.1 + 0.3 * Normal(ref rng),
                BalmerBreak = 1.05 + 0.2 * rng.NextDouble(), EbvInternal = 0.05 + 0.25 * rng.NextDouble(),
                EwHalpha = 30 + 120 * rng.NextDouble(), OiiOverHalpha = 0.5 + 0.6 * rng.NextDouble(), OiiiOverHbeta =
                    0.5 + 2.5 * rng.NextDouble(),
            },
        };
        double bulgeFraction = type switch
        {
            "red" => 0.7 + 0.3 * rng.NextDouble(),
            "intermediate" => 0.3 + 0.3 * rng.NextDouble(),
            _ => 0.15 * rng.NextDouble(),
        };
        double evolution = Math.Pow(1 + z, -0.75);
        double diskKpc = 4.0 * Math.Pow(10, -0.4 * 0.25 * (absMag + 21)) * Math.Pow(10, 0.15 * Normal(ref rng)) * evolution;
        double bulgeKpc = 2.5 * Math.Pow(10, -0.4 * 0.55 * (absMag + 21)) * Math.Pow(10, 0.15 * Normal(ref rng)) * evolution;
        double arcsecPerKpc = cosmology.ArcsecPerKpc(z);
        return new GalaxyProperties
        {
            Population = population,
            SedType = type,
            Z = z,
            AbsMagR = absMag,
            Spectrum = spectrum,
            BulgeFraction = bulgeFraction,
            DiskReArcsec = Math.Clamp(diskKpc * arcsecPerKpc, 0.05, 20),
            BulgeReArcsec = Math.Clamp(bulgeKpc * arcsecPerKpc, 0.03, 15),
            DiskAxisRatio = 0.2 + 0.8 * rng.NextDouble(),
            BulgeAxisRatio = 0.55 + 0.45 * rng.NextDouble(),
            PositionAngleDeg = 180 * rng.NextDouble(),
        };
    }

    /// <summary>Gamma(shape, scale) truncated to [lo, hi] (Marsaglia–Tsang, then rejection).</summary>
    private static double DrawGamma(ref SplitMix64 rng, double shape, double scale, double lo, double hi)
    {
        while (true)
        {
            double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
            double x, v;
            do
            {
                x = Normal(ref rng);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
            {
                double g = d * v * scale;
                if (g >= lo && g <= hi) return g;
            }
        }
    }

    public static double Normal(ref SplitMix64 rng) => ToyGalaxies.Gaussian(ref rng);
}
