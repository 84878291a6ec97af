using MantisShrimp.Engine.Dust;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// The measurements that check the mock universe against its specification — used by the tests and by
/// <c>mantis simulate-report</c>, so the documented numbers and the tested ones are the same code.
/// </summary>
public static class SimulationChecks
{
    /// <summary>PSF σ (pixels) of the Gaussian PSF that defines the depth.</summary>
    public static double PsfSigmaPixels(BandInfo band) => band.PsfFwhmArcsec / 2.3548 / band.SurveyInfo.PixelScaleArcsec;

    /// <summary>The zero point of a simulated galaxy's band.</summary>
    public static double ZeroPoint(SimulatedGalaxy g, BandInfo band) =>
        band.Survey == Survey.PanStarrs ? band.ZeroPoint(g.Ps1ExposureSeconds[band.IndexInSurvey]) : band.ZeroPoint();

    /// <summary>5σ PSF depth from an image: σ_sky = 1.4826 × MAD of the finite pixels; m5 = ZP − 2.5 log10(5 σ √(4π) s).</summary>
    public static double MeasuredDepth(SimulatedGalaxy g, BandInfo band)
    {
        var values = g.Planes![band.Channel].Where(float.IsFinite).Select(v => (double)v).Order().ToArray();
        double median = values[values.Length / 2];
        var deviations = values.Select(v => Math.Abs(v - median)).Order().ToArray();
        double sigma = 1.4826 * deviations[deviations.Length / 2];
        return ZeroPoint(g, band) - 2.5 * Math.Log10(5 * sigma * Math.Sqrt(4 * Math.PI) * PsfSigmaPixels(band));
    }

    /// <summary>Median measured depth per band over the first galaxies of a run (GALEX: covered cutouts only).</summary>
    public static double[] MedianDepths(ulong seed, DustMaps dust, int galaxies)
    {
        var sims = Enumerable.Range(0, galaxies).Select(k =>
            MockUniverse.Generate(k, seed, dust, PopulationMix.Default, Cosmology.Default)).ToArray();
        return BandTable.All.Select(band =>
        {
            var depths = sims.Where(g => band.Survey != Survey.Galex
                || g.GalexCoverage).Select(g => MeasuredDepth(g, band)).Order().ToArray();
            return depths[depths.Length / 2];
        }).ToArray();
    }

    /// <summary>Flux in a circular aperture (arcsec) around the centre divided by the catalog's total flux.</summary>
    public static double ApertureRatio(SimulatedGalaxy g, BandInfo band, double radiusArcsec)
    {
        int n = band.NativeSize;
        double c = (n - 1) / 2.0, radius = radiusArcsec / band.SurveyInfo.PixelScaleArcsec, sum = 0;
        var plane = g.Planes![band.Channel];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                if ((x - c) * (x - c) + (y - c) * (y - c) <= radius * radius && float.IsFinite(plane[y * n + x])) sum += plane[y * n + x];
        return sum / Math.Pow(10, -0.4 * (g.Magnitudes[band.Channel] - ZeroPoint(g, band)));
    }

    /// <summary>Observed magnitudes of a template galaxy of a type at z (no MW dust): the colour tracks.</summary>
    public static double[] TemplateMagnitudes(string type, double z)
    {
        var spectrum = type switch
        {
            "red" => new GalaxySpectrum { D4000 = 1.9 },
            "intermediate" => new GalaxySpectrum { D4000 = 1.7, YoungFraction = 0.2, EbvInternal = 0.1, EwHalpha = 12 },
            _ => new GalaxySpectrum { D4000 = 1.4, YoungFraction = 0.7, EbvInternal = 0.12, EwHalpha = 60, OiiOverHalpha = 0.8 },
        };
        var g = new GalaxyProperties
        {
            Population = Population.General, SedType = type, Z = z, AbsMagR = -21, Spectrum = spectrum,
            BulgeFraction = type switch { "red" => 1.0, "intermediate" => 0.4, _ => 0.1 },
            DiskReArcsec = 1, BulgeReArcsec = 1, DiskAxisRatio = 1, BulgeAxisRatio = 1, PositionAngleDeg = 0,
        };
        return Render.ObservedMagnitudes(g, 0, Cosmology.Default).Total;
    }
}
