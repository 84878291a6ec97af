using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;
using Parquet;

namespace MantisShrimp.Engine.Tests;

[Collection("Allocation")]
public class ScoringTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    [Fact]
    public async Task Score_evaluate_csv_and_parquet()
    {
        using var tmp = new TempDir();
        Trainer.Run(new TrainOptions
        {
            Data = toy.Set.Directory, Out = tmp.File("run"), Epochs = 1, BatchesPerEpoch = 2, BatchSize = 4, Seed = 1, Device = "cpu",
            Network = new NetworkConfig { Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 16 },
        });
        string ckpt = Path.Combine(tmp.File("run"), Trainer.BestCheckpoint);
        int n = Scorer.Run(new ScoreOptions(ckpt, toy.Set.Directory, Splits.Test, tmp.File("s.csv")) { WritePdf = true, Device = "cpu" });
        Assert.Equal(toy.Set.ForSplit(Splits.Test).Sum(s => s.Count), n);
        var lines = File.ReadAllLines(tmp.File("s.csv"));
        Assert.StartsWith("id,z_spec,z_mean,z_mode,z_std,z_lo68,z_hi68,z_lo90,z_hi90,p_000,p_001", lines[0]);
        Assert.Contains("p_399", lines[0]);
        Assert.EndsWith("population", lines[0]);
        var (galaxies, intervals) = Evaluator.Read(tmp.File("s.csv"));
        foreach (var g in galaxies) Assert.Equal(1.0, g.Pdf!.Sum(v => (double)v), 4);
        for (int i = 0; i < galaxies.Count; i++) Assert.True(intervals[i].Lo90 <= intervals[i].Hi90);

        // Deterministic: a second scoring gives the same file.
        Scorer.Run(new ScoreOptions(ckpt, toy.Set.Directory, Splits.Test, tmp.File("s2.csv")) { WritePdf = true, Device = "cpu" });
        Assert.Equal(File.ReadAllText(tmp.File("s.csv")), File.ReadAllText(tmp.File("s2.csv")));

        // Parquet holds the same values.
        Scorer.Run(new ScoreOptions(ckpt, toy.Set.Directory, Splits.Test, tmp.File("s.parquet")) { WritePdf = true, Device = "cpu" });
        using (var fs = File.OpenRead(tmp.File("s.parquet")))
        {
            await using var reader = await ParquetReader.CreateAsync(fs);
            var fields = reader.Schema.GetDataFields();
            Assert.Equal(lines[0].Split(','), fields.Select(f => f.Name));
            using var rg = reader.OpenRowGroupReader(0);
            var zmean = new double[rg.RowCount];
            await rg.ReadAsync<double>(fields[2], zmean, null, default);
            var ids = new string?[rg.RowCount];
            await rg.ReadAsync(fields[0], ids.AsMemory(), null, default);
            for (int i = 0; i < galaxies.Count; i++)
            {
                Assert.Equal(galaxies[i].Id, ids[i]);
                Assert.True(Math.Abs(galaxies[i].ZMean - zmean[i]) < 1e-6, $"z_mean {galaxies[i].ZMean} vs {zmean[i]}");
            }
        }

        var metrics = Evaluator.Run(new EvaluateOptions(tmp.File("s.csv"), tmp.File("eval")) { Bootstrap = 50 });
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(tmp.File("eval"), "metrics.json"))))
            foreach (var key in new[] { "n", "nmad", "bias", "eta_0p05", "eta_0p15", "cde_loss", "pit_ks", "pit_cvm", "pit_ad", "nmad_se",
                "pit_ad_se" })
                Assert.True(json.RootElement.TryGetProperty(key, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number, key);
        Assert.True(File.Exists(Path.Combine(tmp.File("eval"), "pit_histogram.png")));
        Assert.True(File.Exists(Path.Combine(tmp.File("eval"), "zphot_vs_zspec.png")));
        // evaluate reads the Parquet scores too, to the same metrics (CSV holds 6 decimals, Parquet full doubles).
        var fromParquet = Evaluator.Run(new EvaluateOptions(tmp.File("s.parquet"), tmp.File("eval_parquet")) { Bootstrap = 50 });
        Assert.Equal(metrics.All.N, fromParquet.All.N);
        foreach (var (key, of) in new (string, Func<MetricValues, double>)[] { ("nmad", m => m.Nmad), ("bias", m => m.Bias),
            ("eta_0p15", m => m.Eta0p15), ("cde_loss", m => m.CdeLoss), ("pit_ks", m => m.PitKs) })
        {
            double a = of(metrics.All.Values), b = of(fromParquet.All.Values);
            Assert.True(Math.Abs(a - b) < 1e-4, $"{key}: {a} vs {b}");
        }
        Assert.Equal(galaxies.Select(g => g.Id), Evaluator.Read(tmp.File("s.parquet")).Galaxies.Select(g => g.Id));
        // FITS (pdf as one 400E vector column) and ECSV: the same galaxies and PDFs; the FITS header names the model and its training seed.
        foreach (var ext in new[] { "fits", "ecsv" })
        {
            Scorer.Run(new ScoreOptions(ckpt, toy.Set.Directory, Splits.Test, tmp.File($"s.{ext}")) { WritePdf = true, Device = "cpu" });
            var read = Evaluator.Read(tmp.File($"s.{ext}")).Galaxies;
            Assert.Equal(galaxies.Select(g => g.Id), read.Select(g => g.Id));
            for (int i = 0; i < galaxies.Count; i++)
            {
                Assert.Equal(galaxies[i].ZMean, read[i].ZMean, 6);
                Assert.Equal(galaxies[i].Pdf!, read[i].Pdf!); // float32 in FITS, G7 text in CSV and ECSV: the same floats
                Assert.Equal(galaxies[i].Extra["population"], read[i].Extra["population"]);
            }
        }
        using (var fits = Fits.FitsFile.Open(tmp.File("s.fits")))
        {
            var table = fits.ReadFirstTable();
            Assert.Equal(Path.GetFullPath(ckpt), table.Header.GetStringOrNull("MODEL"));
            Assert.True(table.Header.TryGetLong("SEED", out long seed) && seed == 1, "SEED = the training seed, an integer keyword");
            Assert.Equal(RedshiftGrid.Classes, table.Column("pdf").Repeat);
        }
        Assert.Throws<Common.UserInputException>(() =>
            Scorer.Run(new ScoreOptions(ckpt, toy.Set.Directory, Splits.Test, tmp.File("s.txt"))));

        // --snr: the target's measured S/N per band, appended; each equals the source extraction of that record's band.
        Scorer.Run(new ScoreOptions(ckpt, toy.Set.Directory, Splits.Test, tmp.File("snr.csv")) { Device = "cpu", SnrBands =
            [Surveys.Band.r, Surveys.Band.W1] });
        var snrLines = File.ReadAllLines(tmp.File("snr.csv"));
        Assert.EndsWith(",population,snr_r,snr_W1", snrLines[0]);
        var records = Data.Pipeline.SequentialSampler.Records(toy.Set, Splits.Test);
        for (int i = 0; i < records.Length; i++)
        {
            var f = snrLines[i + 1].Split(',');
            var pixels = toy.Set.Shards[records[i].Shard].Pixels(records[i].Slot);
            Assert.Equal(Sources.TargetPhotometry.SignalToNoise(pixels, Surveys.Band.r),
                double.Parse(f[^2], System.Globalization.CultureInfo.InvariantCulture), 3);
            Assert.Equal(Sources.TargetPhotometry.SignalToNoise(pixels, Surveys.Band.W1),
                double.Parse(f[^1], System.Globalization.CultureInfo.InvariantCulture), 3);
        }
        var bySnr = Evaluator.Run(new EvaluateOptions(tmp.File("snr.csv"), tmp.File("eval_snr")));
        Assert.Equal(records.Length, bySnr.BinnedBy("snr_r")!.Bins.Sum(b => b.Metrics.N));
        Assert.True(File.Exists(Path.Combine(tmp.File("eval_snr"), "metrics_vs_snr.png")));
    }
}
