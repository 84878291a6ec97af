using System.Globalization;
using System.Text.Json;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Dust;
using MantisShrimp.Engine.Plots;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// <c>mantis simulate-report</c>: simulates a validation sample and writes the figures and numbers of
/// docs/simulator.md — n(z) per population, colour–redshift tracks, measured depths, aperture-vs-catalog flux,
/// example cutouts.
/// </summary>
public static class SimulationReport
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };
    // Redshifts at which the red template's colours are reported.
    private static readonly double[] RedGMinusRRedshifts = [0.05, 0.2, 0.4, 0.6, 0.8];
    private static readonly double[] RedRMinusW1Redshifts = [0.1, 0.5, 1.0, 1.5];

    /// <summary>One colour per population in every figure (BGS and ELG used to be alike).</summary>
    private static ScottPlot.Color PopulationColour(Population p) => p switch
    {
        Population.Bgs => ScottPlot.Colors.ForestGreen,
        Population.Lrg => ScottPlot.Colors.SaddleBrown,
        Population.Elg => ScottPlot.Colors.DarkViolet,
        _ => ScottPlot.Colors.Gray,
    };

    /// <summary>Templates drawn in the colour their name says.</summary>
    private static ScottPlot.Color TemplateColour(string type) => type switch
    {
        "red" => ScottPlot.Colors.Red,
        "intermediate" => ScottPlot.Colors.Orange,
        _ => ScottPlot.Colors.RoyalBlue,
    };

    public static Dictionary<string, object> Run(string outDir, int count, ulong seed, IProgressReporter? progress = null)
    {
        progress ??= NullProgress.Instance;
        Directory.CreateDirectory(outDir);
        string work = Path.Combine(outDir, ".work");
        var dust = DustSky.WriteMaps(Path.Combine(work, "dust"), 64);
        var cosmology = Cosmology.Default;
        var report = new Dictionary<string, object> { ["count"] = count, ["seed"] = seed };

        progress.Message("catalog sample …");
        var sample = new SimulatedGalaxy[count];
        Parallel.For(0, count, k => sample[k] = MockUniverse.Generate(k, seed, dust, PopulationMix.Default, cosmology, withImages: false));

        RedshiftDistributions(sample, outDir);
        ColourTracks(sample, report, outDir);
        Depths(seed, dust, count, report, outDir, progress);
        ApertureFluxes(sample, seed, dust, cosmology, report, outDir, progress);
        ExampleCutouts(sample, seed, dust, cosmology, report, outDir, progress);
        report["populations"] = Enum.GetValues<Population>().ToDictionary(p => p.ToString(),
            p => sample.Count(s => s.Properties.Population == p));
        AtomicFile.WriteAllText(Path.Combine(outDir, "sim_report.json"),
            JsonSerializer.Serialize(report, Indented) + "\n");
        Directory.Delete(work, true);
        return report;
    }

    /// <summary>n(z) per population: sim_nz.png.</summary>
    private static void RedshiftDistributions(SimulatedGalaxy[] sample, string outDir)
    {
        var nz = Figures.New("Redshift distributions of the mock samples", "z", "galaxies per bin");
        foreach (var pop in Enum.GetValues<Population>())
        {
            var (x, y) = Figures.Histogram(sample.Where(s => s.Properties.Population == pop).Select(s => s.Properties.Z), 0, 1.6, 32);
            Figures.Line(nz, x, y, pop.ToString().ToUpperInvariant());
            nz.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Last().Color = PopulationColour(pop);
        }
        nz.Legend.Alignment = ScottPlot.Alignment.UpperRight; // the high-z tails run along the bottom
        Figures.Save(nz, Path.Combine(outDir, "sim_nz.png"));
    }

    /// <summary>
    /// Colour–redshift tracks, templates (lines) and the sample (points): sim_colour_*.png; the red template's colours at the
    /// checked redshifts.
    /// </summary>
    private static void ColourTracks(SimulatedGalaxy[] sample, Dictionary<string, object> report, string outDir)
    {
        var zs = Enumerable.Range(1, 80).Select(i => i * 0.02).ToArray();
        foreach (var (name, a, b) in new[] { ("g_r", Band.g, Band.r), ("r_W1", Band.r, Band.W1), ("NUV_r", Band.NUV, Band.r) })
        {
            var plot = Figures.New($"{a} − {b} versus redshift", "z", $"{a} − {b} (AB)");
            foreach (var type in new[] { "red", "intermediate", "starforming" })
            {
                var m = zs.Select(z => SimulationChecks.TemplateMagnitudes(type, z)).ToArray();
                Figures.Line(plot, zs, m.Select(v => v[(int)a] - v[(int)b]).ToArray(), $"{type} template");
                plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Last().Color = TemplateColour(type);
            }
            foreach (var pop in Enum.GetValues<Population>())
            {
                var s = sample.Where(g => g.Properties.Population == pop && double.IsFinite(g.Magnitudes[(int)a])
                    && g.Magnitudes[(int)a] < 27).ToArray();
                Figures.Points(plot, s.Select(g => g.Properties.Z).ToArray(),
                    s.Select(g => g.Magnitudes[(int)a] - g.Magnitudes[(int)b]).ToArray(),
                    pop.ToString().ToUpperInvariant(), 3, PopulationColour(pop).WithAlpha(0.6));
            }
            Figures.Save(plot, Path.Combine(outDir, $"sim_colour_{name}.png"));
        }
        var red = zs.Select(z => SimulationChecks.TemplateMagnitudes("red", z)).ToArray();
        report["red_g_minus_r"] = RedGMinusRRedshifts.ToDictionary(z => z.ToString("F2", CultureInfo.InvariantCulture),
            z => Math.Round(SimulationChecks.TemplateMagnitudes("red", z)[(int)Band.g] - SimulationChecks.TemplateMagnitudes("red",
                z)[(int)Band.r], 3));
        report["red_r_minus_W1"] = RedRMinusW1Redshifts.ToDictionary(z => z.ToString("F2", CultureInfo.InvariantCulture),
            z => Math.Round(SimulationChecks.TemplateMagnitudes("red", z)[(int)Band.r] - SimulationChecks.TemplateMagnitudes("red",
                z)[(int)Band.W1], 3));
    }

    /// <summary>Depths measured from the images against the paper's Table 2: sim_depths.png.</summary>
    private static void Depths(ulong seed, DustMaps dust, int count, Dictionary<string, object> report, string outDir,
        IProgressReporter progress)
    {
        progress.Message("depths …");
        var depths = SimulationChecks.MedianDepths(seed, dust, Math.Min(count, 30));
        report["depth_5sigma_measured"] = BandTable.All.ToDictionary(b => b.Name, b => Math.Round(depths[b.Channel], 3));
        report["depth_5sigma_target"] = BandTable.All.ToDictionary(b => b.Name, b => b.Depth5SigmaAb);
        var dplot = Figures.New("5σ point-source depth: measured from the images vs the paper's Table 2", "band (channel)", "AB mag");
        var channels = Enumerable.Range(0, 9).Select(i => (double)i).ToArray();
        Figures.Points(dplot, channels, BandTable.All.Select(b => b.Depth5SigmaAb).ToArray(), "target (Table 2)", 10);
        Figures.Points(dplot, channels, depths, "measured (1.4826 MAD of the pixels)", 6);
        dplot.Axes.Bottom.SetTicks(channels, BandTable.All.Select(b => b.Name).ToArray());
        // The legend at the top: the shallowest bands (W2) sit at the bottom, where it used to hide them.
        var all = BandTable.All.Select(b => b.Depth5SigmaAb).Concat(depths.Where(double.IsFinite)).ToArray();
        dplot.Axes.SetLimits(-0.5, 8.5, all.Min() - 0.3, all.Max() + 0.8);
        dplot.Legend.Alignment = ScottPlot.Alignment.UpperRight;
        Figures.Save(dplot, Path.Combine(outDir, "sim_depths.png"));
    }

    /// <summary>Aperture flux of bright galaxies vs the catalog: sim_flux_consistency.png.</summary>
    private static void ApertureFluxes(SimulatedGalaxy[] sample, ulong seed, DustMaps dust, Cosmology cosmology,
        Dictionary<string, object> report, string outDir, IProgressReporter progress)
    {
        progress.Message("aperture photometry …");
        var bright = sample.Where(g => g.Magnitudes[(int)Band.r] < 18.5 && g.Properties.DiskReArcsec < 3
            && g.Properties.BulgeReArcsec < 3).Take(40).ToArray();
        var ratios = new Dictionary<string, List<(double Mag, double Ratio)>>();
        foreach (var g0 in bright)
        {
            var g = MockUniverse.Generate(g0.Index, seed, dust, PopulationMix.Default, cosmology);
            foreach (var (band, radius) in new[] { (Band.g, 12.0), (Band.r, 12.0), (Band.z, 12.0), (Band.W1, 20.0) })
            {
                if (!ratios.TryGetValue(band.ToString(), out var list)) ratios[band.ToString()] = list = [];
                list.Add((g.Magnitudes[(int)band], SimulationChecks.ApertureRatio(g, BandTable.Get(band), radius)));
            }
        }
        var fplot = Figures.New("Aperture flux (12″; W1 20″) ÷ catalog flux, bright galaxies", "catalog magnitude (AB)", "ratio");
        foreach (var (band, list) in ratios) Figures.Points(fplot, list.Select(p => p.Mag).ToArray(), list.Select(p => p.Ratio).ToArray(),
            band);
        Figures.Save(fplot, Path.Combine(outDir, "sim_flux_consistency.png"));
        report["aperture_over_catalog_median"] =
            ratios.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value.Select(p => p.Ratio).Order().ElementAt(kv.Value.Count / 2), 4));
        report["aperture_galaxies"] = bright.Length;
    }

    /// <summary>Example cutouts: per population, galaxies sorted by z; each example NUV | r | W1 (sim_examples.png).</summary>
    private static void ExampleCutouts(SimulatedGalaxy[] sample, ulong seed, DustMaps dust, Cosmology cosmology,
        Dictionary<string, object> report, string outDir, IProgressReporter progress)
    {
        progress.Message("example cutouts …");
        var rows = new List<IReadOnlyList<(float[], int)>>();
        var captions = new List<string>();
        var labels = new List<IReadOnlyList<string>>();
        foreach (var pop in new[] { Population.Bgs, Population.Lrg, Population.Elg, Population.General })
        {
            var picks = sample.Where(s => s.Properties.Population == pop).OrderBy(s => s.Properties.Z).ToArray();
            if (picks.Length == 0) continue;
            var chosen = Enumerable.Range(0, 3).Select(i => picks[(int)((i + 0.5) / 3 * picks.Length)]).ToArray();
            var row = new List<(float[], int)>();
            var rowLabels = new List<string>();
            foreach (var c in chosen)
            {
                var g = MockUniverse.Generate(c.Index, seed, dust, PopulationMix.Default, cosmology);
                row.Add((g.Planes![(int)Band.NUV], 32));
                row.Add((g.Planes![(int)Band.r], 170));
                row.Add((g.Planes![(int)Band.W1], 32));
                captions.Add($"{pop}: {g.Id} z={g.Properties.Z:F2} r={g.Magnitudes[(int)Band.r]:F1} ({g.Properties.SedType})");
                string short_ = pop == Population.General ? "GEN" : pop.ToString().ToUpperInvariant(); // fits in a tile
                rowLabels.AddRange(["NUV", string.Create(CultureInfo.InvariantCulture, $"r · {short_} z={g.Properties.Z:F2}"), "W1"]);
            }
            rows.Add(row);
            labels.Add(rowLabels);
        }
        Figures.Mosaic(Path.Combine(outDir, "sim_examples.png"), rows, labels: labels);
        report["example_captions"] = captions;
    }
}
