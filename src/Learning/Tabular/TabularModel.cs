using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Sources;
using MantisShrimp.Engine.Surveys;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MantisShrimp.Engine.Tabular;

/// <summary>
/// The tabular model (the tabular rows of the paper's Tables 4–5): photometry measured from the same cutouts by the
/// source extraction (<see cref="TargetPhotometry"/>: the Kron flux of the detection nearest the centre within 5 px,
/// else the static 2/4/2 px aperture), as asinh "luptitudes" of flux over the aperture's noise (background RMS ×
/// √area), their 8 adjacent-band colours and the two E(B−V) values — into gradient-boosted trees (ML.NET FastTree)
/// predicting z, and a second FastTree model of the absolute residual, fitted on the validation split, that sets the
/// width of a Gaussian PDF on the class grid.
/// </summary>
public static class TabularModel
{
    public const int FeatureCount = 2 * BandTable.BandCount - 1 + 2;

    private sealed class Row
    {
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class Output
    {
        public float Score { get; set; }
    }

    /// <summary>Features of one record: 9 noise-scaled luptitudes, 8 colours, E(B−V)_CSFD, E(B−V)_Planck.</summary>
    public static float[] Features(ShardSet set, RecordRef r)
    {
        var shard = set.Shards[r.Shard];
        var targets = PhotometryTable.Of(set, r);
        var f = new float[FeatureCount];
        for (int b = 0; b < BandTable.BandCount; b++)
        {
            var t = targets[b];
            double area = Math.PI * t.Aperture.A * t.Aperture.B;
            double noise = Math.Max(t.BackRms * Math.Sqrt(Math.Max(area, 1)), 1e-9);
            f[b] = double.IsFinite(t.Flux) ? (float)Math.Asinh(t.Flux / noise) : 0f;
        }
        for (int b = 0; b + 1 < BandTable.BandCount; b++) f[BandTable.BandCount + b] = f[b] - f[b + 1];
        var h = shard.Header(r.Slot);
        f[^2] = h.EbvCsfd;
        f[^1] = h.EbvPlanck;
        return f;
    }

    /// <summary>Features of many records, in parallel (source extraction is the cost).</summary>
    private static float[][] Features(ShardSet set, List<RecordRef> records)
    {
        var result = new float[records.Count][];
        Parallel.For(0, records.Count, i => result[i] = Features(set, records[i]));
        return result;
    }

    private static List<RecordRef> Records(ShardSet set, string split) => [.. SequentialSampler.Records(set, split)];

    /// <summary>Trains on the train split (z) and the val split (residual scale), then predicts <paramref name="split"/>.</summary>
    public static List<Prediction> TrainAndPredict(ShardSet set, string split, ulong seed, IProgressReporter? progress = null)
    {
        progress ??= NullProgress.Instance;
        var train = Records(set, Splits.Train);
        var val = Records(set, Splits.Val);
        if (train.Count < 10 || val.Count < 5) throw new UserInputException($"{set.Directory}: too few train/val records to fit");
        var ml = new MLContext(seed: (int)(seed % int.MaxValue));
        float Z(RecordRef r) => set.Shards[r.Shard].Header(r.Slot).Z;

        progress.Message($"tabular model: source extraction of {train.Count + val.Count} train/val galaxies …");
        var trainFeatures = Features(set, train);
        var valFeatures = Features(set, val);
        progress.Message($"tabular model: FastTree on {train.Count} train galaxies …");
        var trainer = ml.Regression.Trainers.FastTree(numberOfLeaves: 31, numberOfTrees: 400, minimumExampleCountPerLeaf: 10,
            learningRate: 0.08);
        var zModel = trainer.Fit(ml.Data.LoadFromEnumerable(train.Select((r, i) => new Row { Features = trainFeatures[i], Label = Z(r) })));
        var zEngine = ml.Model.CreatePredictionEngine<Row, Output>(zModel);
        var valRows = valFeatures.Select(f => new Row { Features = f }).ToList();
        for (int i = 0; i < val.Count; i++)
        {
            double zHat = zEngine.Predict(valRows[i]).Score;
            valRows[i].Label = (float)Math.Abs(zHat - Z(val[i]));
        }
        var scaleTrainer = ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 100, minimumExampleCountPerLeaf: 10,
            learningRate: 0.05);
        var scaleModel = scaleTrainer.Fit(ml.Data.LoadFromEnumerable(valRows));
        var scaleEngine = ml.Model.CreatePredictionEngine<Row, Output>(scaleModel);

        var result = new List<Prediction>();
        var records = Records(set, split);
        var features = Features(set, records);
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var row = new Row { Features = features[i] };
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
