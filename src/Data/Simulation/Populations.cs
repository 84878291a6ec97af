using System.Globalization;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Simulation;

/// <summary>The mock spectroscopic samples, shaped like the paper's compilation (§3.1).</summary>
public enum Population
{
    /// <summary>Bright flux-limited low-z sample (r &lt; 17.77, peak z ≈ 0.1): SDSS MGS / DESI BGS.</summary>
    Bgs,
    /// <summary>Luminous red galaxies, z ≈ 0.3–0.9: BOSS / eBOSS / DESI LRG.</summary>
    Lrg,
    /// <summary>Emission-line galaxies, z ≈ 0.6–1.6: DESI ELG / DEEP2 / VIPERS.</summary>
    Elg,
    /// <summary>A fainter general population over the whole range.</summary>
    General,
}

/// <summary>Mixture weights of the populations (normalised on use).</summary>
public sealed record PopulationMix(double Bgs = 0.35, double Lrg = 0.25, double Elg = 0.25, double General = 0.15)
{
    public static PopulationMix Default { get; } = new();

    /// <summary>Parses "bgs=0.4,lrg=0.2,elg=0.3,general=0.1" (missing names keep their defaults).</summary>
    public static PopulationMix Parse(string text)
    {
        var mix = Default;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=');
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double w) || w < 0)
                throw new UserInputException($"--mix: '{part}' is not name=weight with a non-negative weight");
            mix = kv[0].ToLowerInvariant() switch
            {
                "bgs" => mix with { Bgs = w },
                "lrg" => mix with { Lrg = w },
                "elg" => mix with { Elg = w },
                "general" => mix with { General = w },
                _ => throw new UserInputException($"--mix: unknown population '{kv[0]}' (bgs, lrg, elg, general)"),
            };
        }
        if (mix.Bgs + mix.Lrg + mix.Elg + mix.General <= 0) throw new UserInputException("--mix: weights sum to zero");
        return mix;
    }

    public Population Draw(ref SplitMix64 rng)
    {
        double total = Bgs + Lrg + Elg + General, u = rng.NextDouble() * total;
        if ((u -= Bgs) < 0) return Population.Bgs;
        if ((u -= Lrg) < 0) return Population.Lrg;
        if ((u -= Elg) < 0) return Population.Elg;
        return Population.General;
    }
}

/// <summary>Intrinsic (noise-free) properties of one simulated galaxy.</summary>
public sealed record GalaxyProperties
{
    public required Population Population { get; init; }
    /// <summary>"red", "intermediate" or "starforming".</summary>
    public required string SedType { get; init; }
    public required double Z { get; init; }
    /// <summary>Rest-frame r-band absolute AB magnitude.</summary>
    public required double AbsMagR { get; init; }
    public required GalaxySpectrum Spectrum { get; init; }
    /// <summary>Bulge share of the rest-frame r-band light.</summary>
    public required double BulgeFraction { get; init; }
    /// <summary>Half-light radii (arcsec) of disk (Sérsic n = 1) and bulge (n = 4).</summary>
    public required double DiskReArcsec { get; init; }
    public required double BulgeReArcsec { get; init; }
    public required double DiskAxisRatio { get; init; }
    public required double BulgeAxisRatio { get; init; }
    /// <summary>Position angle, degrees east of north.</summary>
    public required double PositionAngleDeg { get; init; }
}

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
