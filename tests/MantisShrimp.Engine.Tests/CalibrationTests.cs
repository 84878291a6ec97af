using MantisShrimp.Engine.Calibration;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Evaluation;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Tests;

[Collection("Allocation")] // trains networks with all cores
public class CalibrationTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public void Clenshaw_curtis_and_pchip()
    {
        var (t, w) = ClenshawCurtis.UnitInterval(50);
        Assert.Equal(1.0, w.Sum(), 12);
        Assert.Equal(0.25, t.Zip(w, (x, v) => v * x * x * x).Sum(), 12);
        Assert.Equal(Math.E - 1, t.Zip(w, (x, v) => v * Math.Exp(x)).Sum(), 12);
        double[] xs = [0, 1, 2, 3, 4, 5], ys = [0, 0, 0.5, 0.6, 1, 1];
        var s = new Pchip(xs, ys);
        for (int i = 0; i < xs.Length; i++) Assert.Equal(ys[i], s.Value(xs[i]), 12);
        for (double x = 0; x <= 5; x += 0.01) Assert.True(s.Derivative(x) >= -1e-12, $"slope at {x}");
        Assert.Equal(0, s.Derivative(0.5), 12); // flat stays flat
    }

    [Fact]
    public void The_network_is_monotone_in_alpha()
    {
        random.manual_seed(3);
        using var net = new MonotonicNetwork(new MonotonicNetworkConfig { Hidden = 32, Depth = 3 });
        using var scope = NewDisposeScope();
        var h = randn(20, CalibrationFeatures.Count) * 3;
        var alphas = linspace(0, 1, 101);
        var logit = net.call(alphas.repeat(20), h.repeat_interleave(101, 0)).view(20, 101);
        var diff = logit.narrow(1, 1, 100) - logit.narrow(1, 0, 100);
        Assert.True(diff.min().item<float>() >= 0, "r̂ decreased with α");
    }

    /// <summary>Gaussian class PDFs centred on z_true + N(0, σ) with width σ_pred; one informative feature.</summary>
    private static (List<float[]> P, List<float[]> X, List<double> Z) Synthetic(int n, double sigma, double sigmaPred, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var p = new List<float[]>();
        var x = new List<float[]>();
        var z = new List<double>();
        for (int i = 0; i < n; i++)
        {
            double zt = 0.2 + rng.NextDouble();
            double centre = zt + sigma * Normal(ref rng);
            var row = new float[RedshiftGrid.Classes];
            for (int k = 0; k < row.Length; k++) row[k] = (float)Math.Exp(-0.5 * Math.Pow((RedshiftGrid.Centre(k) - centre) / sigmaPred, 2));
            Inference.Predictor.Normalise(row);
            var lup = Enumerable.Range(0, 9).Select(_ => Normal(ref rng)).ToArray();
            p.Add(row);
            x.Add(CalibrationFeatures.FromLuptitudes(lup, (float)rng.NextDouble(), (float)rng.NextDouble()));
            z.Add(zt);
        }
        return (p, x, z);
    }

    private static double Normal(ref SplitMix64 rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double PitKs(IReadOnlyList<float[]> p, IReadOnlyList<double> z) =>
        Metrics.KolmogorovSmirnov(p.Select((row, i) => Metrics.Pit(row, z[i])).Order().ToArray());

    private static readonly CalPitOptions Small = new()
    {
        Network = new MonotonicNetworkConfig { Hidden = 32, Depth = 2 }, MaxEpochs = 25, AlphasPerGalaxy = 24, BatchSize = 512, Seed = 4, Threads = 1, // reproducible under load
    };

    [Fact]
    public void An_overconfident_model_is_widened()
    {
        // σ_pred = σ/1.6: the PIT histogram is U-shaped (KS ≈ 0.1).
        var (p, x, z) = Synthetic(1200, 0.05, 0.031, 1);
        using var cal = CalPit.Fit(x, z.Select((zz, i) => Metrics.Pit(p[i], zz)).ToList(), Small);
        var (tp, tx, tz) = Synthetic(400, 0.05, 0.031, 2);
        double before = PitKs(tp, tz);
        var after = cal.Recalibrate(tp, tx);
        double ksAfter = PitKs(after, tz);
        log.WriteLine($"over-confident: PIT KS {before:F4} → {ksAfter:F4}, width {Width(tp):F4} → {Width(after):F4}");
        Assert.True(before > 0.07, $"setup: PIT KS {before}");
        Assert.True(ksAfter < 0.7 * before, $"PIT KS {before:F3} → {ksAfter:F3}"); // measured 0.132 → 0.077 with 1200 calibration galaxies
        Assert.All(after, row => Assert.Equal(1.0, row.Sum(v => (double)v), 4));
        // Wider: the mean 68% width grows.
        Assert.True(Width(after) > 1.1 * Width(tp), $"width {Width(tp):F4} → {Width(after):F4}");
    }

    [Fact]
    public void A_calibrated_model_is_left_nearly_unchanged()
    {
        var (p, x, z) = Synthetic(1200, 0.05, 0.05, 3);
        using var cal = CalPit.Fit(x, z.Select((zz, i) => Metrics.Pit(p[i], zz)).ToList(), Small);
        var (tp, tx, tz) = Synthetic(300, 0.05, 0.05, 4);
        var after = cal.Recalibrate(tp, tx);
        log.WriteLine($"calibrated: width ratio {Width(after) / Width(tp):F3}, PIT KS after {PitKs(after, tz):F4}");
        Assert.InRange(Width(after) / Width(tp), 0.85, 1.15);
        double meanShift = tp.Select((row, i) => Math.Abs(Mean(row) - Mean(after[i]))).Average();
        Assert.True(meanShift < 0.01, $"mean shift {meanShift}");
        Assert.True(PitKs(after, tz) < 0.1);
    }

    private static double Mean(float[] p) => p.Select((v, k) => v * RedshiftGrid.Centre(k)).Sum();

    private static double Width(IReadOnlyList<float[]> rows) => rows.Average(p =>
    {
        double m = Mean(p);
        return Math.Sqrt(p.Select((v, k) => v * Math.Pow(RedshiftGrid.Centre(k) - m, 2)).Sum());
    });

    [Fact]
    public void Save_load_round_trip_and_features()
    {
        var (p, x, z) = Synthetic(200, 0.05, 0.05, 5);
        using var cal = CalPit.Fit(x, z.Select((zz, i) => Metrics.Pit(p[i], zz)).ToList(), Small with { MaxEpochs = 2 });
        using var tmp = new TempDir();
        cal.Save(tmp.File("calib"));
        using var back = CalPit.Load(tmp.File("calib"));
        Assert.Equal(cal.Manifest.FeatureStd, back.Manifest.FeatureStd);
        Assert.NotEqual(cal.Manifest.FeatureMean, cal.Manifest.FeatureStd); // the std is not the mean (the reference's bug)
        var a = cal.Recalibrate(p.Take(3).ToList(), x.Take(3).ToList());
        var b = back.Recalibrate(p.Take(3).ToList(), x.Take(3).ToList());
        Assert.Equal(a.SelectMany(r => r), b.SelectMany(r => r));
        Assert.Throws<UserInputException>(() => CalPit.Load(tmp.File("nothing")));
        Assert.Equal(83, CalibrationFeatures.Count);
        Assert.Equal(83, CalibrationFeatures.Names().Distinct().Count());
        var f = CalibrationFeatures.FromLuptitudes([1, 2, 3, 4, 5, 6, 7, 8, 9], 0.1f, 0.2f);
        Assert.Equal(-1, f[0]); // L_FUV − L_NUV
        Assert.Equal(0.1f, f[72]);
        Assert.Equal(9, f[82]);
    }
}
