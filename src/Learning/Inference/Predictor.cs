using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Diagnostics;
using MantisShrimp.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Inference;

/// <summary>One scored record: where it is, its true z and its class probabilities.</summary>
public sealed record Prediction(RecordRef Record, float ZSpec, float[] Probabilities);

/// <summary>
/// Runs a network over a split in order, deterministically: evaluation mode, no random augmentation; with
/// test-time averaging, the class probabilities of K fixed rotations are averaged.
/// </summary>
public static class Predictor
{
    public static IEnumerable<Prediction> Predict(PhotoZNetwork model, ShardSet set, string? split, Device device,
        int batchSize = 32, int tta = 1, int workers = 0, CancellationToken cancel = default) =>
        Predict(model, set, SequentialSampler.Records(set, split), device, batchSize, tta, workers, cancel);

    /// <summary>Predictions for the given records, in their order.</summary>
    public static IEnumerable<Prediction> Predict(PhotoZNetwork model, ShardSet set, IReadOnlyList<RecordRef> records, Device device,
        int batchSize = 32, int tta = 1, int workers = 0, CancellationToken cancel = default)
    {
        model.eval();
        var policy = tta > 1 ? AugmentPolicy.TestTimeAveraging(tta) : AugmentPolicy.Evaluation;
        var options = new PipelineOptions { Fusion = model.Config.Fusion, Card = ModelCard.Of(model.Config), BatchSize = batchSize,
            Workers = workers > 0 ? workers : Environment.ProcessorCount };
        using var pipeline = new InputPipeline(set, new SequentialSampler(records), policy, options);
        while (pipeline.Next(cancel) is { } batch)
        {
            float[] probs;
            using (EngineMetrics.Activities.StartActivity("predict.batch")?.SetTag("samples", batch.Samples))
            using (StageTimings.Stage("forward", batch.Samples))
            using (torch.inference_mode())
            using (NewDisposeScope())
            {
                var inputs = batch.Inputs.Select((_, i) => batch.Input(i).to(device)).ToArray();
                var ebv = batch.Ebv.narrow(0, 0, batch.Count).to(device);
                var p = nn.functional.softmax(model.call(inputs, ebv), 1);
                if (tta > 1) p = p.view(batch.Samples, tta, -1).mean([1]);
                probs = p.cpu().contiguous().data<float>().ToArray();
            }
            EngineMetrics.Samples.Add(batch.Samples, EngineMetrics.Tag("kind", "inference"));
            int classes = probs.Length / batch.Samples;
            var results = new Prediction[batch.Samples];
            for (int i = 0; i < batch.Samples; i++)
            {
                int row = i * policy.Rotations;
                var r = batch.Records[row];
                var p = probs.AsSpan(i * classes, classes).ToArray();
                Normalise(p);
                results[i] = new Prediction(r, set.Shards[r.Shard].Header(r.Slot).Z, p);
            }
            pipeline.Release(batch);
            foreach (var result in results) yield return result;
        }
    }

    /// <summary>Renormalises in double precision so the masses sum to 1 to float precision.</summary>
    public static void Normalise(float[] p)
    {
        double sum = 0;
        foreach (var v in p) sum += v;
        if (sum > 0) for (int i = 0; i < p.Length; i++) p[i] = (float)(p[i] / sum);
    }
}
