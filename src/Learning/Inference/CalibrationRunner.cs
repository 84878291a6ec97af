using MantisShrimp.Engine.Calibration;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Models;
using TorchSharp;

namespace MantisShrimp.Engine.Inference;

public sealed record CalibrateOptions(string Model, string Data, string Out)
{
    public string Split { get; init; } = Splits.Val;
    public string Device { get; init; } = "auto";
    public CalPitOptions Fit { get; init; } = new();
}

/// <summary>
/// <c>mantis calibrate</c>: the network's PDFs of the validation split (as the paper: the training split's PDFs are
/// over-confident), their PIT values and the engine's own photometric features → a fitted <see cref="CalPit"/> in
/// the output folder; and a fit applied to a stream of predictions (<c>mantis score --calibration</c>). It lives in
/// Inference, beside the predictor it runs, so that CalPIT itself (Calibration) needs nothing from Inference.
/// </summary>
public static class CalibrationRunner
{
    public static CalPit Run(CalibrateOptions o, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        using var set = ShardSet.Open(o.Data);
        var device = TorchDevice.Resolve(o.Device);
        var (_, model) = Checkpoint.Load(o.Model);
        model.to(device);
        progress.Message($"scoring the {o.Split} split …");
        var predictions = Predictor.Predict(model, set, o.Split, device, cancel: cancel).ToList();
        model.Dispose();
        if (predictions.Count == 0) throw new UserInputException($"{o.Data}: the {o.Split} split is empty; calibration needs its PDFs");
        progress.Message($"photometric features of {predictions.Count} galaxies …");
        var features = RecordFeatures.Compute(set, predictions.Select(p => p.Record).ToList());
        var pit = predictions.Select(p => Metrics.Pit(p.Probabilities, p.ZSpec)).ToList();
        var calibration = CalPit.Fit(features, pit, o.Fit, progress, Path.GetFullPath(o.Model));
        calibration.Save(o.Out);
        return calibration;
    }

    /// <summary>Recalibrates a stream of predictions in batches (features from each record's own pixels).</summary>
    public static IEnumerable<Prediction> Apply(IRecalibrator calibration, ShardSet set, IEnumerable<Prediction> predictions,
        int batch = 128)
    {
        var pending = new List<Prediction>(batch);
        foreach (var p in predictions)
        {
            pending.Add(p);
            if (pending.Count < batch) continue;
            foreach (var r in Flush()) yield return r;
        }
        foreach (var r in Flush()) yield return r;

        List<Prediction> Flush()
        {
            if (pending.Count == 0) return [];
            var features = RecordFeatures.Compute(set, pending.Select(p => p.Record).ToList());
            var recalibrated = calibration.Recalibrate(pending.Select(p => p.Probabilities).ToList(), features);
            var result = pending.Select((p, i) => p with { Probabilities = recalibrated[i] }).ToList();
            pending.Clear();
            return result;
        }
    }
}
