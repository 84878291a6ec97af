using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Evaluation;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// evaluate's figures and binned metrics on a synthetic scores file with a known truth: Gaussian PDFs whose width is
/// the true scatter, 4% catastrophic outliers, magnitudes and S/N. MANTIS_KEEP_FIGURES=DIR keeps the PNGs to look at.
/// </summary>
public sealed class EvaluationFigureTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>z_mean = z_spec + N(0, σ(1+z)) with σ = 0.02 + 0.03 (mag − 18)/6; the PDF is N(z_mean, σ(1+z)).</summary>
    private string Scores(int n)
    {
        var rng = new SplitMix64(3);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var sb = new StringBuilder(string.Join(",", Inference.PdfColumns.Leading));
        for (int k = 0; k < RedshiftGrid.Classes; k++) sb.Append($",p_{k:000}");
        sb.Append(",population,mag_r,snr_r\n");
        var centres = RedshiftGrid.Centres();
        for (int i = 0; i < n; i++)
        {
            double z = 0.05 + 1.1 * rng.NextDouble(), mag = 17 + 7 * rng.NextDouble();
            double sigma = (0.02 + 0.03 * Math.Max(0, mag - 18) / 6) * (1 + z);
            double zm = rng.NextDouble() < 0.04 ? 0.05 + 1.4 * rng.NextDouble() : z + sigma * Gauss();
            zm = Math.Clamp(zm, 0.01, 1.59);
            var pdf = centres.Select(c => Math.Exp(-0.5 * Math.Pow((c - zm) / sigma, 2))).ToArray();
            double sum = pdf.Sum();
            string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
            sb.Append($"g{i},{F(z)},{F(zm)},{F(zm)},{F(sigma)},{F(zm - sigma)},{F(zm + sigma)},")
                .Append($"{F(zm - 1.645 * sigma)},{F(zm + 1.645 * sigma)}");
            foreach (var p in pdf) sb.Append(',').Append((p / sum).ToString("G6", CultureInfo.InvariantCulture));
            sb.Append(i % 3 == 0 ? ",ELG" : ",LRG").Append(',').Append(F(mag)).Append(',').Append(F(Math.Pow(10,
                (24.5 - mag) / 2.5))).Append('\n');
        }
        File.WriteAllText(_dir.File("scores.csv"), sb.ToString());
        return _dir.File("scores.csv");
    }

    [Fact]
    public void Binned_metrics_carry_bootstrap_errors_and_the_figures_are_written()
    {
        string outDir = Environment.GetEnvironmentVariable("MANTIS_KEEP_FIGURES") ?? _dir.File("eval");
        var result = Evaluator.Run(new EvaluateOptions(Scores(1500), outDir) { Seed = 5 });
        var byMag = result.BinnedBy("mag_r")!.Bins;
        foreach (var bin in byMag)
        {
            // The MAD's standard error for a Gaussian is 1.166 σ / √n (its efficiency is 37%): the bootstrap within a factor 2.
            double nmad = bin.Metrics.Values.Nmad, se = bin.Metrics.StandardErrors!.Value.Nmad, n = bin.Metrics.N;
            Assert.InRange(se, 0.5 * 1.166 * nmad / Math.Sqrt(n), 2 * 1.166 * nmad / Math.Sqrt(n));
            Assert.True(bin.Metrics.StandardErrors!.Value.Eta0p15 >= 0, bin.Key);
        }
        // NMAD grows with magnitude, as the truth's σ does.
        var nmads = byMag.Select(b => b.Metrics.Values.Nmad).ToArray();
        Assert.True(nmads[^1] > 2 * nmads[0], string.Join(", ", nmads));
        foreach (var png in new[] { "zphot_vs_zspec.png", "pit_histogram.png", "example_pdfs.png", "metrics_vs_magnitude.png",
            "metrics_vs_snr.png" })
            Assert.True(new FileInfo(Path.Combine(outDir, png)).Length > 10_000, png);
    }

    [Theory]
    [InlineData("-Infinity..18", "< 18")]
    [InlineData("18..20", "18–20")]
    [InlineData("100..Infinity", "≥ 100")]
    public void Bin_labels_read_as_ranges(string key, string label) => Assert.Equal(label, EvaluationFigures.BinLabel(key));
}
