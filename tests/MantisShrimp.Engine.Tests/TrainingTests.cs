using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Tests;

[Collection("Allocation")] // trains with all cores and measures process memory: alone
public class TrainingTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private TrainOptions Options(string dir, int epochs) => new()
    {
        Data = toy.Set.Directory, Out = dir, Epochs = epochs, BatchesPerEpoch = 3, BatchSize = 4, LearningRate = 1e-3, Seed = 5, Device =
            "cpu",
        Threads = 1, // results depend on the thread count; one, whatever CI's core count
        Network = new NetworkConfig { Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 32, DropPath = 0.1 },
    };

    private static Dictionary<string, float[]> Weights(string checkpoint)
    {
        var (_, model) = Checkpoint.Load(checkpoint);
        var w = model.state_dict().ToDictionary(kv => kv.Key,
            kv => kv.Value.cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray());
        model.Dispose();
        return w;
    }

    [Fact]
    public void A_resumed_run_equals_an_uninterrupted_one()
    {
        using var tmp = new TempDir();
        Trainer.Run(Options(tmp.File("straight"), 3));
        Trainer.Run(Options(tmp.File("resumed"), 1));
        Trainer.Run(Options(tmp.File("resumed"), 3)); // continues from last.ckpt
        var a = Weights(Path.Combine(tmp.File("straight"), Trainer.LastCheckpoint));
        var b = Weights(Path.Combine(tmp.File("resumed"), Trainer.LastCheckpoint));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys)
            for (int i = 0; i < a[key].Length; i++)
                Assert.True(a[key][i] == b[key][i],
                    $"{key}[{i}]: {a[key][i]} vs {b[key][i]}"); // bit for bit (docs/architecture.md, Reproducibility)
        var ha = File.ReadAllLines(Path.Combine(tmp.File("straight"), Trainer.HistoryFile));
        var hb = File.ReadAllLines(Path.Combine(tmp.File("resumed"), Trainer.HistoryFile));
        Assert.Equal(4, ha.Length);
        Assert.Equal(ha.Length, hb.Length);
        Assert.True(File.Exists(Path.Combine(tmp.File("resumed"), Trainer.BestCheckpoint)));
        // Other settings on the same run folder are refused.
        Assert.Throws<Common.UserInputException>(() => Trainer.Run(Options(tmp.File("resumed"), 4) with { LearningRate = 5e-3 }));
    }

    [Fact]
    public void Grid_search_ranks_every_combination()
    {
        using var tmp = new TempDir();
        var md = Experiments.GridSearch.Run(new Experiments.GridOptions(toy.Set.Directory, tmp.File("grid"))
        {
            LearningRates = [1e-3, 1e-4], HeadWidths = [16], WeightDecays = [1e-5], Epochs = 1, BatchesPerEpoch = 2, BatchSize = 4,
        });
        var csv = File.ReadAllLines(Path.Combine(tmp.File("grid"), "grid.csv"));
        Assert.Equal("lr,head_width,weight_decay,best_epoch,val_loss,val_nmad", csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.Contains("| 1 |", md);
    }

    [Fact]
    public void Native_memory_stays_flat_over_hundreds_of_steps()
    {
        using var scope = NewDisposeScope();
        var model = PhotoZNetwork.Create(new NetworkConfig { Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 32 });
        var opt = optim.NAdam(model.parameters(), 1e-3);
        var x = randn(4, 9, 120, 120);
        var e = rand(4, 2);
        var y = tensor(new long[] { 1, 50, 100, 300 });
        long Step()
        {
            using (NewDisposeScope())
            {
                var loss = nn.functional.cross_entropy(model.call([x], e), y);
                opt.zero_grad();
                loss.backward();
                opt.step();
            }
            GC.Collect();
            using var p = System.Diagnostics.Process.GetCurrentProcess();
            return p.WorkingSet64;
        }
        long after20 = 0, live20 = 0;
        for (int i = 1; i <= 200; i++)
        {
            long rss = Step();
            if (i == 20) { after20 = rss; live20 = DisposeScopeManager.Statistics.ThreadTotalLiveCount; }
        }
        long after200 = Step();
        Assert.True(after200 <= after20 * 1.10, $"resident memory {after20 / 1e6:F0} MB after 20 steps, {after200 / 1e6:F0} MB after 200");
        Assert.Equal(live20, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}

public class PdfAndMetricTests
{
    [Fact]
    public void Pdf_summaries_of_a_single_bin_and_a_flat_pdf()
    {
        var p = new float[400];
        p[100] = 1f; // all mass in [0.400, 0.404)
        var s = PdfSummary.From(p);
        Assert.Equal(0.402, s.Mean, 9);
        Assert.Equal(0.402, s.Mode, 9);
        Assert.Equal(0.0, s.Std, 9);
        Assert.Equal(0.4 + 0.16 * 0.004, s.Lo68, 9);
        Assert.Equal(0.4 + 0.95 * 0.004, s.Hi90, 9);
        Array.Fill(p, 1f / 400);
        var f = PdfSummary.From(p);
        Assert.Equal(0.8, f.Mean, 5);
        Assert.Equal(0.16 * 1.6, f.Lo68, 4);
        Assert.Equal(0.95 * 1.6, f.Hi90, 4);
    }

    [Fact]
    public void Point_metrics_follow_the_published_definitions()
    {
        double[] zs = [0.1, 0.5, 1.0, 0.2, 0.3], zm = [0.1, 0.53, 1.4, 0.2, 0.29];
        var r = zs.Select((z, i) => Metrics.Residual(zm[i], z)).ToArray();
        Assert.Equal((0.53 - 0.5) / 1.5, r[1], 12);
        var sorted = r.Order().ToArray();
        double median = sorted[2];
        var dev = r.Select(v => Math.Abs(v - median)).Order().ToArray();
        Assert.Equal(1.4826 * dev[2], Metrics.Nmad(r), 12);
        Assert.Equal(r.Average(), Metrics.Bias(r), 12);
        Assert.Equal(40.0, Metrics.Eta(r, 0.01), 12); // |r| = 0.02 and 0.2 exceed 0.01
        Assert.Equal(20.0, Metrics.Eta(r, 0.15), 12);
    }

    [Fact]
    public void Pit_cde_and_uniformity_statistics()
    {
        var p = new float[400];
        p[10] = 0.5f;
        p[11] = 0.5f;
        Assert.Equal(0.25, Metrics.Pit(p, 0.042), 6);     // halfway through class 10
        Assert.Equal(0.75, Metrics.Pit(p, 0.046), 6);
        double dz = 0.004;
        Assert.Equal(2 * Math.Pow(0.5 / dz, 2) * dz - 2 * 0.5 / dz, Metrics.CdeTerm(p, 0.042), 6);
        // Perfectly uniform PIT values: KS = 1/(2n)… for u_i = (i − ½)/n; CvM = 1/(12n); AD small.
        int n = 1000;
        var u = Enumerable.Range(1, n).Select(i => (i - 0.5) / n).ToArray();
        Assert.Equal(0.5 / n, Metrics.KolmogorovSmirnov(u), 9);
        Assert.Equal(1.0 / (12 * n), Metrics.CramerVonMises(u), 9);
        Assert.InRange(Metrics.AndersonDarling(u), -0.1, 0.1);
        var bad = Enumerable.Range(1, n).Select(i => 0.5 * (i - 0.5) / n).ToArray(); // all below ½
        Assert.True(Metrics.KolmogorovSmirnov(bad) > 0.49);
    }

    [Fact]
    public void Median_by_selection_equals_median_by_sorting()
    {
        var rng = new Random(3);
        for (int n = 1; n < 60; n++)
        {
            var a = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            var s = a.Order().ToArray();
            double expected = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
            Assert.Equal(expected, Metrics.Median(a.ToArray()), 12);
        }
    }
}
