using System.Globalization;
using System.Text;
using System.Text.Json;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Dust;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Simulation;

public sealed record SimulationOptions(int Count, ulong Seed, string OutputDirectory)
{
    public PopulationMix Mix { get; init; } = PopulationMix.Default;
    public int DustNside { get; init; } = DustSky.DefaultNside;
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// The mock universe: galaxies drawn from the populations, their SEDs observed through the 9 bands, rendered as
/// the three services deliver cutouts (geometry, units, headers), with neighbours, blends, noise at the paper's
/// depths and realistic defects. Galaxy k depends only on (seed, k).
/// </summary>
public static class MockUniverse
{
    /// <summary>Effective gain (Poisson counts per native unit) for source shot noise, per survey.</summary>
    public static double Gain(Survey survey) => survey switch
    {
        Survey.Galex => 200.0,  // counts/s → counts for a ~200 s AIS-like exposure
        Survey.PanStarrs => 1.0, // stack counts ≈ electrons
        _ => 3.0,                // Vega nanomaggies → counts
    };

    /// <summary>Per-pixel background σ (native units) that gives the band's 5σ PSF depth: m5 = ZP − 2.5 log10(5 σ √(4π) s).</summary>
    public static double SkySigma(BandInfo band, double zeroPoint)
    {
        double s = band.PsfFwhmArcsec / 2.3548 / band.SurveyInfo.PixelScaleArcsec;
        return Math.Pow(10, -0.4 * (band.Depth5SigmaAb - zeroPoint)) / (5 * Math.Sqrt(4 * Math.PI) * s);
    }

    public const double GalexCoverageFraction = 0.9;
    private const double NeighbourFieldArcsec = 90; // covers the largest cutout (unWISE 32 × 2.75″ = 88″)

    public static string IdOf(int k) => $"sim{k:D7}";

    /// <summary>Generates galaxy <paramref name="k"/>; <paramref name="withImages"/> = false skips rendering (catalog only).</summary>
    public static SimulatedGalaxy Generate(int k, ulong seed, DustMaps dust, PopulationMix mix, Cosmology cosmology, bool withImages = true)
    {
        var rng = SplitMix64.ForStream(seed, (ulong)k);
        double ra = 360 * rng.NextDouble();
        double sinMin = Math.Sin(-30 * Math.PI / 180);
        double dec = Math.Asin(sinMin + (1 - sinMin) * rng.NextDouble()) * 180 / Math.PI;
        var (csfd, planck) = dust.At(ra, dec);
        var population = mix.Draw(ref rng);
        var g = GalaxyPopulations.Draw(population, ref rng, csfd, cosmology);
        var (total, bulgeMags, diskMags) = Render.ObservedMagnitudes(g, csfd, cosmology);
        double[] exptime = [rng.NextDouble() * 600 + 700, rng.NextDouble() * 600 + 600, rng.NextDouble() * 1200 + 1200,
            rng.NextDouble() * 500 + 600, rng.NextDouble() * 500 + 500];
        bool galex = rng.NextDouble() < GalexCoverageFraction;

        var components = new List<SourceComponent>
        {
            new(0, 0, SersicMixture.DeVaucouleurs, g.BulgeReArcsec, g.BulgeAxisRatio, g.PositionAngleDeg, bulgeMags),
            new(0, 0, SersicMixture.Exponential, g.DiskReArcsec, g.DiskAxisRatio, g.PositionAngleDeg, diskMags),
        };
        var (nGal, nStar, blend, brightStars) = AddNeighbours(components, ra, dec, csfd, cosmology, ref rng);

        // PS1 masks first (their own random stream), so catalog values never depend on whether images are rendered.
        var maskRng = SplitMix64.ForStream(seed ^ 0x3A5C_0B1EUL, (ulong)k);
        var masks = new bool[5][];
        double maxNan = 0;
        for (int i = 0; i < 5; i++)
        {
            masks[i] = PanStarrsMask(BandTable.PanStarrs.NativeSize, BandTable.PanStarrs.PixelScaleArcsec, brightStars, ref maskRng);
            maxNan = Math.Max(maxNan, masks[i].Count(m => m) / (double)masks[i].Length);
        }
        float[][]? planes = withImages ? RenderPlanes(components, masks, exptime, galex, seed, k) : null;
        return new SimulatedGalaxy
        {
            Index = k, Id = IdOf(k), Ra = ra, Dec = dec, EbvCsfd = csfd, EbvPlanck = planck, Properties = g, Magnitudes = total,
            Ps1ExposureSeconds = exptime, GalexCoverage = galex, Neighbours = nGal + nStar + (blend ? 1 : 0), Blend = blend,
            Ps1MaxNanFraction = maxNan, Planes = planes,
        };
    }

    /// <summary>
    /// Neighbours: galaxies (faint, n = 1 or 4) and stars, over a field covering every cutout; occasional blends. Adds them to
    /// <paramref name="components"/>; returns their counts and the bright stars the PS1 masks are drawn around.
    /// </summary>
    private static (int Galaxies, int Stars, bool Blend, List<(double Dx, double Dy, double R)> BrightStars) AddNeighbours(
        List<SourceComponent> components, double ra, double dec, double csfd, Cosmology cosmology, ref SplitMix64 rng)
    {
        var (l, b) = Sky.Galactic.FromIcrs(ra, dec);
        int nGal = Poisson(ref rng, 6), nStar = Poisson(ref rng, 1.5 + 8 * Math.Exp(-Math.Abs(b) / 15));
        bool blend = rng.NextDouble() < 0.06;
        var brightStars = new List<(double Dx, double Dy, double R)>();
        for (int i = 0; i < nGal + (blend ? 1 : 0); i++)
        {
            bool isBlend = i == nGal;
            double dx, dy;
            if (isBlend)
            {
                double rad = 1.2 + 2.0 * rng.NextDouble(), ang = 2 * Math.PI * rng.NextDouble();
                (dx, dy) = (rad * Math.Cos(ang), rad * Math.Sin(ang));
            }
            else (dx, dy) = ((rng.NextDouble() - 0.5) * NeighbourFieldArcsec, (rng.NextDouble() - 0.5) * NeighbourFieldArcsec);
            var n = GalaxyPopulations.Draw(Population.General, ref rng, csfd, cosmology);
            var mags = Render.ObservedMagnitudes(n, csfd, cosmology).Total;
            bool disk = n.BulgeFraction < 0.5;
            components.Add(new SourceComponent(dx, dy, disk ? SersicMixture.Exponential : SersicMixture.DeVaucouleurs,
                disk ? n.DiskReArcsec : n.BulgeReArcsec, disk ? n.DiskAxisRatio : n.BulgeAxisRatio, n.PositionAngleDeg, mags));
        }
        for (int i = 0; i < nStar; i++)
        {
            double dx = (rng.NextDouble() - 0.5) * NeighbourFieldArcsec, dy = (rng.NextDouble() - 0.5) * NeighbourFieldArcsec;
            double r = 14 + 9 * Math.Pow(rng.NextDouble(), 0.45); // more faint stars than bright ones
            double temperature = 3200 + 6000 * Math.Pow(rng.NextDouble(), 1.5);
            components.Add(new SourceComponent(dx, dy, null, 0, 1, 0, StarMagnitudes(temperature, r, csfd)));
            if (r < 16.5) brightStars.Add((dx, dy, 3 + (16.5 - r) * 3));
        }
        return (nGal, nStar, blend, brightStars);
    }

    /// <summary>The images of every band: the components rendered, sky and shot noise (their own random stream), PS1 masks as NaN;
    /// GALEX blank outside its coverage.</summary>
    private static float[][] RenderPlanes(List<SourceComponent> components, bool[][] masks, double[] exptime, bool galex, ulong seed,
        int k)
    {
        var noise = SplitMix64.ForStream(seed ^ 0x5EED_0F_A015EUL, (ulong)k);
        var planes = new float[BandTable.BandCount][];
        foreach (var band in BandTable.All)
        {
            int n = band.NativeSize;
            var plane = new float[n * n];
            double zp = band.Survey == Survey.PanStarrs ? band.ZeroPoint(exptime[band.IndexInSurvey]) : band.ZeroPoint();
            if (band.Survey != Survey.Galex || galex)
            {
                foreach (var c in components) Render.Add(plane, band, zp, c);
                AddNoise(plane, SkySigma(band, zp), Gain(band.Survey), ref noise);
            }
            if (band.Survey == Survey.PanStarrs)
            {
                var mask = masks[band.IndexInSurvey];
                for (int i = 0; i < plane.Length; i++) if (mask[i]) plane[i] = float.NaN;
            }
            planes[band.Channel] = plane;
        }
        return planes;
    }

    private static double[] StarMagnitudes(double temperature, double rMag, double ebv)
    {
        // A black body seen through the Milky Way's dust in front of it (all of it: a simplification), scaled to r.
        var mags = Photometry.Observed(l => Spectra.BlackBody(l, temperature) * 1e-10, [], 0, ebv, Cosmology.Default);
        double shift = rMag - mags[(int)Band.r];
        for (int i = 0; i < mags.Length; i++) mags[i] += shift;
        return mags;
    }

    private static void AddNoise(Span<float> plane, double sigma, double gain, ref SplitMix64 rng)
    {
        double variance = sigma * sigma;
        for (int i = 0; i < plane.Length; i++)
        {
            double v = plane[i];
            double sd = v > 0 ? Math.Sqrt(variance + v / gain) : sigma;
            plane[i] = (float)(v + sd * Ziggurat.Next(ref rng));
        }
    }

    /// <summary>PS1 defects of one band: bright-star masks and, sometimes, a chip-gap segment (true = masked, NaN).</summary>
    private static bool[] PanStarrsMask(int n, double scale, List<(double Dx, double Dy, double R)> stars, ref SplitMix64 rng)
    {
        var mask = new bool[n * n];
        double centre = (n - 1) / 2.0;
        foreach (var (dx, dy, r) in stars)
        {
            double sx = centre - dx / scale, sy = centre + dy / scale;
            int rad = (int)Math.Ceiling(r);
            for (int y = Math.Max(0, (int)sy - rad); y <= Math.Min(n - 1, (int)sy + rad); y++)
                for (int x = Math.Max(0, (int)sx - rad); x <= Math.Min(n - 1, (int)sx + rad); x++)
                    if ((x - sx) * (x - sx) + (y - sy) * (y - sy) <= r * r) mask[y * n + x] = true;
        }
        double u = rng.NextDouble();
        if (u < 0.12)
        {
            // A chip gap: usually a short segment (< 1% of the pixels), sometimes one crossing the cutout (> 1%: rejected).
            bool vertical = rng.NextDouble() < 0.5;
            int width = 1 + (int)(3 * rng.NextDouble());
            int length = u < 0.02 ? n : 20 + (int)(50 * rng.NextDouble());
            int pos = (int)(rng.NextDouble() * (n - width)), start = (int)(rng.NextDouble() * (n - length + 1));
            for (int a = pos; a < pos + width; a++)
                for (int t = start; t < start + length; t++)
                    mask[vertical ? t * n + a : a * n + t] = true;
        }
        return mask;
    }

    private static int Poisson(ref SplitMix64 rng, double lambda)
    {
        double l = Math.Exp(-lambda), p = 1;
        int k = 0;
        do
        {
            k++;
            p *= rng.NextDouble();
        } while (p > l && k < 1000);
        return k - 1;
    }

    public static readonly string[] CatalogColumns =
    [
        "id", "ra", "dec", "z", "ebv_csfd", "ebv_planck", "population",
        .. BandTable.All.Select(b => "mag_" + b.Name),
        "sed_type", "abs_mag_r", "bulge_fraction", "disk_re_arcsec", "bulge_re_arcsec", "disk_q", "bulge_q", "pa_deg",
        "d4000", "young_fraction", "ebv_internal", "ew_halpha", "galex_coverage", "neighbours", "blend", "ps1_max_nan_fraction",
    ];

    /// <summary>Sentinel written for a magnitude with no flux (e.g. FUV beyond the Lyman limit).</summary>
    public const double NoFluxMagnitude = 99.0;

    public static string CatalogLine(SimulatedGalaxy s)
    {
        static string F(double v, string fmt = "R") => v.ToString(fmt, CultureInfo.InvariantCulture);
        var p = s.Properties;
        var fields = new List<string>
        {
            s.Id, F(s.Ra, "F7"), F(s.Dec, "F7"), F(p.Z, "F6"), F(s.EbvCsfd, "F5"), F(s.EbvPlanck, "F5"),
            p.Population.ToString().ToLowerInvariant(),
        };
        fields.AddRange(s.Magnitudes.Select(m => double.IsFinite(m) ? F(m, "F4") : F(NoFluxMagnitude, "F1")));
        fields.AddRange([
            p.SedType, F(p.AbsMagR, "F3"), F(p.BulgeFraction, "F3"), F(p.DiskReArcsec, "F3"), F(p.BulgeReArcsec, "F3"),
            F(p.DiskAxisRatio, "F3"), F(p.BulgeAxisRatio, "F3"), F(p.PositionAngleDeg, "F1"), F(p.Spectrum.D4000, "F3"),
            F(p.Spectrum.YoungFraction, "F3"), F(p.Spectrum.EbvInternal, "F3"), F(p.Spectrum.EwHalpha, "F1"),
            s.GalexCoverage ? "1" : "0", s.Neighbours.ToString(CultureInfo.InvariantCulture), s.Blend ? "1" : "0",
                F(s.Ps1MaxNanFraction, "F5"),
        ]);
        return string.Join(",", fields);
    }

    /// <summary>
    /// <c>mantis simulate</c>: writes DIR/dust/ (the two HEALPix maps), DIR/cutouts/ in reference naming and
    /// DIR/catalog.csv. Resumable: a galaxy whose seven files exist is not rendered again (files are written
    /// atomically, and galaxy k is a pure function of (seed, k), so the result is the same).
    /// </summary>
    public static string Simulate(SimulationOptions o, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        var (dust, catalogPath) = Prepare(o);
        string cutouts = Path.Combine(o.OutputDirectory, "cutouts");
        Directory.CreateDirectory(cutouts);
        var lines = new string[o.Count];
        var cosmology = Cosmology.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Threads, 1, nameof(o.Threads));
        using (var task = progress.Start("simulating galaxies", o.Count))
        {
            Parallel.For(0, o.Count, new ParallelOptions { MaxDegreeOfParallelism = o.Threads, CancellationToken = cancel }, k =>
            {
                string id = IdOf(k);
                bool done = BandTable.All.Select(b => b.FileName(id)).Distinct().All(f => File.Exists(Path.Combine(cutouts, f)));
                var g = Generate(k, o.Seed, dust, o.Mix, cosmology, withImages: !done);
                if (!done) ServiceCutoutWriter.Write(cutouts, g.Id, g.Ra, g.Dec, g.Planes!, g.Ps1ExposureSeconds,
                    BandTable.All.Select(b => b.PsfFwhmArcsec).ToArray());
                lines[k] = CatalogLine(g);
                task.Advance();
            });
        }
        WriteCatalog(catalogPath, lines);
        return catalogPath;
    }

    /// <summary>
    /// The direct path for large N: the catalog is written as by <see cref="Simulate"/>, the images never touch
    /// disk as FITS, and the shards equal those of simulate + ingest with the same ingest seed and chunks.
    /// </summary>
    public static IngestSummary SimulateToShards(SimulationOptions o, string shards, int chunks, ulong ingestSeed,
        IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        var (dust, catalogPath) = Prepare(o);
        var cosmology = Cosmology.Default;
        var lines = new string[o.Count];
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Threads, 1, nameof(o.Threads));
        Parallel.For(0, o.Count, new ParallelOptions { MaxDegreeOfParallelism = o.Threads, CancellationToken = cancel },
            k => lines[k] = CatalogLine(Generate(k, o.Seed, dust, o.Mix, cosmology, withImages: false)));
        WriteCatalog(catalogPath, lines);
        CutoutSample Render(CatalogEntry e)
        {
            int k = int.Parse(e.Id.AsSpan(3), CultureInfo.InvariantCulture);
            var g = Generate(k, o.Seed, dust, o.Mix, cosmology);
            return CutoutLoader.FromPlanes(g.Planes!, g.Ps1ExposureSeconds);
        }
        var options = new IngestOptions(catalogPath, $"simulation seed={o.Seed} mix={o.Mix}", shards)
        {
            Chunks = chunks,
            Seed = ingestSeed,
            MaxParallelism = o.Threads,
        };
        return Ingest.Run(options, Render, progress, cancel);
    }

    private static (DustMaps Dust, string CatalogPath) Prepare(SimulationOptions o)
    {
        if (o.Count < 1) throw new UserInputException("--count must be at least 1");
        Directory.CreateDirectory(o.OutputDirectory);
        string settingsPath = Path.Combine(o.OutputDirectory, "simulation.json");
        var settings = new Dictionary<string, object>
        {
            ["seed"] = o.Seed, ["mix"] = o.Mix.ToString(), ["dust_nside"] = o.DustNside, ["model_version"] = 1,
        };
        string json = JsonSerializer.Serialize(settings);
        if (File.Exists(settingsPath) && File.ReadAllText(settingsPath) != json)
            throw new UserInputException($"{o.OutputDirectory} holds a simulation with other settings " +
                $"({File.ReadAllText(settingsPath)}); choose another --out.");
        AtomicFile.WriteAllText(settingsPath, json);
        var dust = DustSky.WriteMaps(Path.Combine(o.OutputDirectory, "dust"), o.DustNside);
        return (dust, Path.Combine(o.OutputDirectory, "catalog.csv"));
    }

    private static void WriteCatalog(string path, string[] lines)
    {
        var sb = new StringBuilder(string.Join(",", CatalogColumns)).Append('\n');
        foreach (var l in lines) sb.Append(l).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
