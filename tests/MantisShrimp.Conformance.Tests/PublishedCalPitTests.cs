using MantisShrimp.Engine.Calibration;
using MantisShrimp.Engine.Common;
using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

/// <summary>
/// The published CalPIT model: peers/published_calpit.py writes a random MonotonicNN(84, [H]*4, sigmoid=True) with real
/// torch.save, its .npy statistics, and recalibrates class probabilities as CalPIT's CalPit.transform does (PyTorch +
/// scipy's PCHIP); the test imports it with import-calibration and recalibrates the same PDFs from the engine's feature
/// vectors (engine band order, FUV first — the import reorders them to the model's NUV-first order).
/// </summary>
public sealed class PublishedCalPitTests(ITestOutputHelper output)
{
    private const double MaxPdfDiff = 1e-4;

    [Theory]
    [InlineData(64, 12, true)]
    [InlineData(1024, 1, false)] // the published width: 20 400 rows through 4 × 1024 per galaxy, one scaling only
    public void Imported_calpit_recalibrates_as_the_reference(int hidden, int galaxies, bool bothScalings)
    {
        string dir = Path.Combine(Path.GetTempPath(), "mantis-calpit-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            PythonPeer.Run("published_calpit.py", TimeSpan.FromMinutes(8), dir, hidden.ToString(), "4", galaxies.ToString(), bothScalings
                ? "" : "--std-only");
            var lupt = NpyReader.Read(Path.Combine(dir, "lupt.npy")).Values;
            var ebv = NpyReader.Read(Path.Combine(dir, "ebv.npy")).Values;
            var probs = NpyReader.Read(Path.Combine(dir, "probs.npy")).Values;
            var features = new List<float[]>();
            var p = new List<float[]>();
            for (int i = 0; i < galaxies; i++)
            {
                var published = lupt.AsSpan(i * 9, 9).ToArray().Select(v => (double)(float)v).ToArray();
                var engine = (double[])published.Clone();
                (engine[0], engine[1]) = (published[1], published[0]); // engine order FUV, NUV; the model's NUV, FUV
                features.Add(CalibrationFeatures.FromLuptitudes(engine, (float)ebv[2 * i], (float)ebv[2 * i + 1]));
                p.Add(probs.AsSpan(i * 400, 400).ToArray().Select(v => (float)v).ToArray());
            }
            string[] common = ["import-calibration", "--checkpoint", Path.Combine(dir, "calpit_checkpoint.pt"), "--mean", Path.Combine(dir,
                "calpit_mean.npy"),
                "--std", Path.Combine(dir, "calpit_std.npy")];
            double worst = 0, modesDiffer = 0;
            foreach (var (mode, flag) in new[] { ("std", (string?)null), ("mean", "--std-from-mean") }.Take(bothScalings ? 2 : 1))
            {
                string calib = Path.Combine(dir, "calib-" + mode);
                var err = new StringWriter();
                Assert.Equal(0, Host.Program.Run([.. common, .. flag is null ? Array.Empty<string>() : [flag], "--out", calib],
                    TextWriter.Null, err));
                Assert.Equal(flag is not null, err.ToString().Contains("warning", StringComparison.Ordinal));
                using var recalibrator = Recalibrators.Load(calib);
                var ours = recalibrator.Recalibrate(p, features);
                var reference = NpyReader.Read(Path.Combine(dir, $"out_{mode}.npy")).Values;
                for (int i = 0; i < galaxies; i++)
                    for (int k = 0; k < 400; k++)
                    {
                        double d = Math.Abs(ours[i][k] - reference[i * 400 + k]);
                        Assert.True(d <= MaxPdfDiff, $"{mode}, galaxy {i}, class {k}: ours {ours[i][k]}, PyTorch {reference[i * 400 + k]}");
                        worst = Math.Max(worst, d);
                        modesDiffer = Math.Max(modesDiffer, Math.Abs(ours[i][k] - p[i][k]));
                    }
            }
            Assert.True(modesDiffer > 10 * MaxPdfDiff,
                $"recalibration barely moved the PDFs ({modesDiffer:G3}): the check would not see a wrong calibration");
            PythonPeer.Report(output, $"published CalPIT (hidden {hidden}) vs PyTorch CalPit.transform",
                $"{galaxies} galaxies × {(bothScalings ? 2 : 1)} feature scaling(s), max |Δp| = {worst:G3}"
                + $" (recalibration moved p by up to {modesDiffer:G3})");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
