using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Tests;
using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

/// <summary>
/// The engine's bootstrap standard errors (<see cref="MetricSet.BootstrapStandardErrors"/>) against an independent
/// numpy bootstrap of the same galaxies (<c>peers/bootstrap.py</c>), for several seeds: correlated resamples (streams
/// that are shifted copies of each other) shrink or inflate the spread, so the SE lands far from the peer's.
/// </summary>
public sealed class BootstrapConformanceTests(ITestOutputHelper output)
{
    private const int Galaxies = 1500;
    /// <summary>As `mantis evaluate --bootstrap 2000`: the engine's SEs then carry ≈ 1/√(2·2000) ≈ 1.6% Monte Carlo noise.</summary>
    private const int EngineResamples = 2000;
    /// <summary>The peer's resamples: 20 000 leave it ≈ 0.5% noise.</summary>
    private const int PeerResamples = 20_000;
    /// <summary>The tolerance: within 10% of the independent bootstrap (≈ 6σ of the two Monte Carlo noises).</summary>
    private const double Tolerance = 0.10;

    /// <summary>A scores set with a Gaussian core (σ = 0.03) and 10% catastrophic outliers, like a trained model's.</summary>
    private static List<ScoredGalaxy> Galaxies1500()
    {
        var rng = new SplitMix64(2025);
        var list = new List<ScoredGalaxy>(Galaxies);
        var none = new Dictionary<string, string>();
        for (int i = 0; i < Galaxies; i++)
        {
            double zs = 0.02 + 1.2 * rng.NextDouble();
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = rng.NextDouble() < 0.10 ? rng.NextDouble() - 0.5
                : 0.03 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            list.Add(new ScoredGalaxy($"g{i}", zs, zs + r * (1 + zs), null, none));
        }
        return list;
    }

    [Fact]
    public void Bootstrap_standard_errors_match_an_independent_numpy_bootstrap_for_three_seeds()
    {
        var galaxies = Galaxies1500();
        using var tmp = new TempDir();
        string csv = tmp.File("scores.csv");
        var sb = new StringBuilder("z_spec,z_mean\n");
        foreach (var g in galaxies) sb.Append(CultureInfo.InvariantCulture, $"{g.ZSpec:R},{g.ZMean:R}\n");
        File.WriteAllText(csv, sb.ToString());
        var peer = PythonPeer.Run("bootstrap.py", csv, PeerResamples.ToString(CultureInfo.InvariantCulture), "12345");
        var point = MetricSet.Compute(galaxies).Named().ToDictionary(m => m.Name, m => m.Value);
        foreach (var metric in new[] { "nmad", "bias", "eta_0p05", "eta_0p15" })
            Assert.Equal(peer.GetProperty(metric).GetDouble(), point[metric], 12);

        // η is a proportion: its SE is also known analytically, 100·√(η(1 − η)/n) with η as a fraction.
        foreach (var eta in new[] { "eta_0p05", "eta_0p15" })
        {
            double p = point[eta] / 100, analytic = 100 * Math.Sqrt(p * (1 - p) / Galaxies);
            double peerSe = peer.GetProperty(eta + "_se").GetDouble();
            PythonPeer.Report(output, $"bootstrap {eta}_se numpy vs binomial", $"{peerSe:G4} vs {analytic:G4}");
            Assert.InRange(peerSe / analytic, 1 - Tolerance, 1 + Tolerance);
        }

        var outside = new List<string>();
        foreach (ulong seed in new ulong[] { 1, 2, 42 })
        {
            var se = MetricSet.BootstrapStandardErrors(galaxies, EngineResamples, seed).Named()
                .ToDictionary(m => m.Name + MetricValues.StandardErrorSuffix, m => m.Value);
            foreach (var metric in new[] { "nmad_se", "bias_se", "eta_0p05_se", "eta_0p15_se" })
            {
                double want = peer.GetProperty(metric).GetDouble(), got = se[metric];
                PythonPeer.Report(output, $"bootstrap {metric} seed {seed}", $"engine {got:G4}, numpy {want:G4}, ratio {got / want:F3}");
                if (Math.Abs(got / want - 1) > Tolerance) outside.Add($"{metric} seed {seed}: ratio {got / want:F3}");
            }
        }
        Assert.True(outside.Count == 0, "outside 10% of numpy: " + string.Join("; ", outside));
    }
}
