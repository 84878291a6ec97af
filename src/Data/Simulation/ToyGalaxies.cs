using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// A deliberately simple stand-in data set for tests and the foundation demo: each source is a circular
/// Gaussian blob whose brightness and colours drift with a random redshift, plus Gaussian sky noise, written
/// in the services' formats. It is not the physics simulator (that is <c>mantis simulate</c>, a later
/// piece of work): no SEDs, PSFs or realistic depths. Source k depends only on (seed, k).
/// </summary>
public static class ToyGalaxies
{
    /// <summary>Writes <paramref name="count"/> sources to <c>dir/cutouts</c> and <c>dir/catalog.csv</c>.</summary>
    public static string Write(string dir, int count, ulong seed, IProgressReporter? progress = null)
    {
        string cutouts = Path.Combine(dir, "cutouts");
        Directory.CreateDirectory(cutouts);
        var rows = new string[count];
        using (var task = (progress ?? NullProgress.Instance).Start("writing toy cutouts", count))
        {
            Parallel.For(0, count, k =>
            {
                rows[k] = WriteOne(cutouts, k, seed);
                task.Advance();
            });
        }
        string catalog = Path.Combine(dir, "catalog.csv");
        var sb = new StringBuilder("id,ra,dec,z,ebv_csfd,ebv_planck,population\n");
        foreach (var r in rows) sb.Append(r).Append('\n');
        AtomicFile.WriteAllText(catalog, sb.ToString());
        return catalog;
    }

    private static string WriteOne(string cutouts, int k, ulong seed)
    {
        var rng = SplitMix64.ForStream(seed, (ulong)k);
        string id = $"toy{k:D6}";
        double ra = 360 * rng.NextDouble();
        double dec = -25 + 110 * rng.NextDouble(); // inside the PS1 footprint
        if (dec > 89) dec = 89;
        double z = 0.02 + 1.5 * rng.NextDouble();
        double ebv = 0.01 + 0.1 * rng.NextDouble();
        bool galexCoverage = rng.NextDouble() > 0.1;
        var planes = new float[BandTable.BandCount][];
        foreach (var band in BandTable.All)
        {
            int n = band.NativeSize;
            var plane = new float[n * n];
            double sigmaPix = Math.Max(0.8, 1.2 / band.SurveyInfo.PixelScaleArcsec / (1 + z));
            // Redder bands brighten relative to bluer ones with redshift (a crude colour trend).
            double amplitude = 50.0 * Math.Exp(-2 * z) * (1 + z * band.Channel / 4.0);
            double noise = band.Survey == Survey.PanStarrs ? 2.0 : 0.01;
            if (band.Survey == Survey.Galex) amplitude *= 0.002;
            if (band.Survey == Survey.Unwise) amplitude *= 0.05;
            double c = (n - 1) / 2.0;
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double r2 = ((x - c) * (x - c) + (y - c) * (y - c)) / (sigmaPix * sigmaPix);
                    plane[y * n + x] = (float)(amplitude * Math.Exp(-0.5 * r2) + noise * Gaussian(ref rng));
                }
            if (band.Survey == Survey.Galex && !galexCoverage) Array.Clear(plane);
            planes[band.Channel] = plane;
        }
        ServiceCutoutWriter.Write(cutouts, id, ra, dec, planes, [600, 600, 900, 700, 500]);
        return string.Join(",", id, F(ra), F(dec), F(z), F(ebv), F(ebv * 1.05), "toy");

        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Standard normal deviate (Box–Muller).</summary>
    public static double Gaussian(ref SplitMix64 rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
