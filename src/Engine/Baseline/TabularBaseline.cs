using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Surveys;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MantisShrimp.Engine.Baseline;

/// <summary>
/// The tabular baseline (the tabular rows of the paper's Tables 4–5): photometry measured from the same cutouts —
/// a 3″-radius circular aperture flux per band, as asinh "luptitudes" scaled by each band's aperture noise, their
/// 8 adjacent-band colours and the two E(B−V) values — into gradient-boosted trees (ML.NET FastTree) predicting z,
/// and a second FastTree model of the absolute residual, fitted on the validation split, that sets the width of a
/// Gaussian PDF on the class grid. Source extraction (Kron apertures) replaces the fixed aperture when it lands.
/// </summary>
public static class TabularBaseline
{
    public const double ApertureRadiusArcsec = 3.0;
    public const int FeatureCount = 2 * BandCatalog.BandCount - 1 + 2;

    private sealed class Row
    {
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class Output
    {
        public float Score { get; set; }
    }

    /// <summary>Aperture flux around the centre of each band (NaN pixels skipped).</summary>
    public static double[] ApertureFluxes(ReadOnlySpan<float> pixels, double offsetX = 0, double offsetY = 0)
    {
        var result = new double[BandCatalog.BandCount];
        foreach (var band in BandCatalog.All)
        {
            int n = band.NativeSize;
            var plane = pixels.Slice(BandCatalog.NativePixelOffset(band.Band), n * n);
            double r = Math.Max(1.5, ApertureRadiusArcsec / band.SurveyInfo.PixelScaleArcsec);
            double cx = (n - 1) / 2.0 + offsetX * n, cy = (n - 1) / 2.0 + offsetY * n, sum = 0;
            for (int y = Math.Max(0, (int)(cy - r)); y <= Math.Min(n - 1, (int)(cy + r + 1)); y++)
                for (int x = Math.Max(0, (int)(cx - r)); x <= Math.Min(n - 1, (int)(cx + r + 1)); x++)
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r && float.IsFinite(plane[y * n + x])) sum += plane[y * n + x];
            result[band.Channel] = sum;
        }
        return result;
    }

    /// <summary>Per-band aperture noise: 1.4826 MAD of the same aperture placed at an off-centre position in each record.</summary>
    public static double[] ApertureNoise(ShardSet set, IEnumerable<RecordRef> records)
    {
        var samples = records.Select(r => ApertureFluxes(set.Shards[r.Shard].Pixels(r.Slot), 0.27, -0.27)).ToArray();
        return Enumerable.Range(0, BandCatalog.BandCount).Select(b =>
        {
            var v = samples.Select(s => s[b]).Order().ToArray();
            double med = v[v.Length / 2];
            double mad = v.Select(x => Math.Abs(x - med)).Order().ElementAt(v.Length / 2);
            return Math.Max(1.4826 * mad, 1e-9);
        }).ToArray();
    }

    public static float[] Features(ShardSet set, RecordRef r, double[] noise)
    {
        var shard = set.Shards[r.Shard];
        var flux = ApertureFluxes(shard.Pixels(r.Slot));
        var f = new float[FeatureCount];
        for (int b = 0; b < BandCatalog.BandCount; b++) f[b] = (float)Math.Asinh(flux[b] / noise[b]);
        for (int b = 0; b + 1 < BandCatalog.BandCount; b++) f[BandCatalog.BandCount + b] = f[b] - f[b + 1];
        var h = shard.Header(r.Slot);
        f[^2] = h.EbvCsfd;
        f[^1] = h.EbvPlanck;
        return f;
    }

    private static List<RecordRef> Records(ShardSet set, string split)
    {
        var list = new List<RecordRef>();
        var sampler = new SequentialSampler(set, split);
        var buffer = new RecordRef[256];
        int n;
        while ((n = sampler.Next(buffer)) > 0) list.AddRange(buffer.AsSpan(0, n).ToArray());
        return list;
    }

    /// <summary>Trains on the train split (z) and the val split (residual scale), then predicts <paramref name="split"/>.</summary>
    public static List<Prediction> TrainAndPredict(ShardSet set, string split, ulong seed, IProgressReporter? progress = null)
    {
        progress ??= NullProgress.Instance;
        var train = Records(set, Splits.Train);
        var val = Records(set, Splits.Val);
        if (train.Count < 10 || val.Count < 5) throw new UserInputException($"{set.Directory}: too few train/val records for the baseline");
        var noise = ApertureNoise(set, train);
        var ml = new MLContext(seed: (int)(seed % int.MaxValue));
        Row Make(RecordRef r, double label) => new() { Features = Features(set, r, noise), Label = (float)label };
        float Z(RecordRef r) => set.Shards[r.Shard].Header(r.Slot).Z;

        progress.Message($"baseline: FastTree on {train.Count} train galaxies …");
        var trainer = ml.Regression.Trainers.FastTree(numberOfLeaves: 31, numberOfTrees: 400, minimumExampleCountPerLeaf: 10, learningRate: 0.08);
        var zModel = trainer.Fit(ml.Data.LoadFromEnumerable(train.Select(r => Make(r, Z(r)))));
        var zEngine = ml.Model.CreatePredictionEngine<Row, Output>(zModel);
        var valRows = val.Select(r => Make(r, 0)).ToList();
        for (int i = 0; i < val.Count; i++)
        {
            double zHat = zEngine.Predict(valRows[i]).Score;
            valRows[i].Label = (float)Math.Abs(zHat - Z(val[i]));
        }
        var scaleTrainer = ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 100, minimumExampleCountPerLeaf: 10, learningRate: 0.05);
        var scaleModel = scaleTrainer.Fit(ml.Data.LoadFromEnumerable(valRows));
        var scaleEngine = ml.Model.CreatePredictionEngine<Row, Output>(scaleModel);

        var result = new List<Prediction>();
        foreach (var r in Records(set, split))
        {
            var row = Make(r, 0);
            double zHat = zEngine.Predict(row).Score;
            // Mean absolute deviation → σ of a Gaussian: σ = √(π/2)·E|r|.
            double sigma = Math.Max(1.2533 * scaleEngine.Predict(row).Score, 0.01);
            result.Add(new Prediction(r, Z(r), GaussianPdf(zHat, sigma)));
        }
        return result;
    }

    /// <summary>N(μ, σ) integrated over each class, truncated to [0, 1.6) and renormalised.</summary>
    public static float[] GaussianPdf(double mu, double sigma)
    {
        var p = new float[RedshiftGrid.Classes];
        double Cdf(double z) => 0.5 * (1 + Erf((z - mu) / (sigma * Math.Sqrt(2))));
        for (int k = 0; k < p.Length; k++)
            p[k] = (float)Math.Max(0, Cdf(RedshiftGrid.LowerEdge(k + 1)) - Cdf(RedshiftGrid.LowerEdge(k)));
        if (p.Sum() <= 0) p[RedshiftGrid.ClassOf(mu)] = 1;
        Predictor.Normalise(p);
        return p;
    }

    /// <summary>Abramowitz–Stegun 7.1.26 (|error| &lt; 1.5e-7).</summary>
    public static double Erf(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
