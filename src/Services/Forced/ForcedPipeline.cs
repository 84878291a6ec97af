using System.Diagnostics;
using MantisShrimp.Engine.Calibration;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Diagnostics;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Surveys;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Forced;

/// <summary>How <see cref="ForcedPipeline"/> runs: batch size, threads, what is allowed.</summary>
public sealed record ForcedPipelineOptions
{
    /// <summary>Galaxies per forward pass (score's default).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>libtorch intra-op threads and input-transform threads (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>Positions decoded at once (FITS read, checks, dust, S/N); a remote source waits on the network, so more (0: cores, ×4 for
    /// remote).</summary>
    public int Decoders { get; init; }

    /// <summary>Decoded positions held ahead of the batcher (the bounded queue); at least one batch (0: 4 batches).</summary>
    public int Queue { get; init; }

    public bool Calibrate { get; init; }

    /// <summary><c>--allow-nan</c>: PS1 bands over the 1% NaN rule are predicted with the model card's NaN fill, flagged.</summary>
    public bool AllowNan { get; init; }

    /// <summary>Measure the target's S/N in PS1 r (<see cref="ForcedResult.SnrR"/>): source extraction, the costliest step after the
    /// network (<c>predict --no-snr</c> turns it off; with CalPIT all 9 bands are measured anyway).</summary>
    public bool SignalToNoise { get; init; } = true;

    /// <summary>Hand each result a copy of its cutouts (<see cref="ForcedResult.Sample"/>, for <c>--png</c>); otherwise they stay in
    /// the pipeline's reused buffers.</summary>
    public bool KeepCutouts { get; init; }
}

/// <summary>One position's outcome, handed out in input order: a result, or the error that stopped it.</summary>
public sealed record ForcedItem(int Index, ForcedResult? Result, Exception? Error);

/// <summary>
/// Forced photo-z at catalogue scale (docs/forced-photoz.md). Three stages, bounded in memory:
/// <list type="number">
/// <item>decoders (tasks): cutouts of a position from the source (FITS read and the ingest checks; downloads for a
/// remote source), dust, the target's S/N in r — in parallel, straight into the reused buffers of a ring of
/// <see cref="ForcedPipelineOptions.Queue"/> slots that a decoder may only fill when it is free (the bounded queue);</item>
/// <item>the batcher (a thread): takes positions from the ring in input order, copies full batches of accepted ones into
/// the pinned <see cref="InputBatch"/> slots score uses, applies the card's NaN treatment there, and runs the same
/// <see cref="InputTransform"/> — while the network works on the batch before;</item>
/// <item>the caller's thread: the forward pass on all libtorch threads, CalPIT, the PDF summaries, and every position
/// (failures included) handed to the caller in input order.</item>
/// </list>
/// A position that fails (bad input, a service failure) is an item with its error, never the end of the run.
/// </summary>
public static class ForcedPipeline
{
    private const int Slots = 3;

    /// <summary>A decoded position; its pixels and zero points are in its ring slot's buffers until the batcher has copied
    /// them.</summary>
    private sealed record Decoded(int Index, SampleFlags Flags, float EbvCsfd, float EbvPlanck, double SnrR,
        Sources.TargetMeasurement[]? Targets, CutoutSample? Kept, Exception? Error);

    /// <summary>A ring slot: a decoded position and the buffers it was decoded into, reused from position to position.</summary>
    private sealed class Slot
    {
        public readonly float[] Pixels = new float[BandTable.NativePixelsPerSample];
        public readonly float[] ZeroPoints = new float[BandTable.BandCount];
        public Decoded? Item;
    }

    private sealed class Batch(InputBatch input)
    {
        public readonly InputBatch Input = input;
        public readonly List<Decoded> Items = [];
        public readonly List<Decoded> Accepted = [];
        public bool Last;
        public Exception? Error;
    }

    // Long: the three stages share the ring, its lock, the permits and the cancellation as locals; split, each would take
    // eight of them as parameters.
    public static void Run(ForcedPhotoZ service, IReadOnlyList<NamedPosition> positions, IReadOnlyList<int> todo, ForcedPipelineOptions o,
        Action<ForcedItem> emit, CancellationToken cancel = default)
    {
        if (o.Calibrate && !service.HasCalibration) throw new UserInputException("calibration was asked for, but there is none " +
            "(--calibration CALIB)");
        int threads = o.Threads > 0 ? o.Threads : Environment.ProcessorCount;
        int batchSize = Math.Max(1, o.BatchSize);
        bool remote = service.Source is Cutouts.RemoteCutoutSource;
        int decoders = o.Decoders > 0 ? o.Decoders : remote ? 4 * threads : threads;
        int queue = Math.Max(o.Queue > 0 ? o.Queue : 4 * batchSize, batchSize);
        var model = service.Model;
        var card = Models.ModelCard.Of(model.Config);
        var centres = card.ClassValues(model.Config.Classes);
        var layout = InputLayouts.Create(model.Config.Fusion, batchSize);
        model.eval();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // Position k is decoded into slot k % queue: a decoder holds one of `queue` permits from taking k until the batcher has
        // copied k out, and positions are copied out in order, so slot k % queue is free when k is taken.
        var ring = Enumerable.Range(0, queue).Select(_ => new Slot()).ToArray();
        var free = new SemaphoreSlim(queue);
        var ringLock = new object();
        int next = -1;
        Exception? fatal = null; // a decoder's unexpected failure (not a position's): the run stops with it

        async Task Decode()
        {
            while (true)
            {
                await free.WaitAsync(stop.Token).ConfigureAwait(false);
                int k = Interlocked.Increment(ref next);
                if (k >= todo.Count) { free.Release(); return; }
                Decoded d;
                var slot = ring[k % queue];
                try { d = await DecodeOne(service, positions[todo[k]], todo[k], slot, o, stop.Token).ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lock (ringLock) { fatal ??= e; Monitor.PulseAll(ringLock); }
                    return;
                }
                lock (ringLock)
                {
                    slot.Item = d;
                    Monitor.PulseAll(ringLock);
                }
            }
        }

        // The batcher waits for position k in its slot; Release(k) hands the slot back once its buffers are copied.
        Slot Take(int k)
        {
            var slot = ring[k % queue];
            lock (ringLock)
            {
                while (slot.Item is not { } d || d.Index != todo[k])
                {
                    if (fatal is not null) throw new InvalidOperationException($"{positions[todo[k]].Name}: {fatal.Message}", fatal);
                    stop.Token.ThrowIfCancellationRequested();
                    Monitor.Wait(ringLock, 100);
                }
                return slot;
            }
        }

        void Release(Slot slot)
        {
            lock (ringLock) slot.Item = null;
            free.Release();
        }

        var batches = Enumerable.Range(0, Slots).Select(_ => new Batch(new InputBatch(layout, batchSize))).ToArray();
        using var transform = new InputTransform(layout, workers: threads);
        var emptySlots = new SemaphoreSlim(Slots);
        var readySlots = new SemaphoreSlim(0);
        var decoding = Enumerable.Range(0, Math.Min(decoders, Math.Max(1, todo.Count))).Select(_ => Task.Run(Decode, stop.Token))
            .ToArray();

        var batcher = new Thread(() =>
        {
            int k = 0;
            for (long b = 0; ; b++)
            {
                try { emptySlots.Wait(stop.Token); }
                catch (OperationCanceledException) { return; }
                var batch = batches[b % Slots];
                batch.Items.Clear();
                batch.Accepted.Clear();
                batch.Error = null;
                try
                {
                    var stopwatch = Stopwatch.StartNew();
                    double waited = 0;
                    while (k < todo.Count && batch.Accepted.Count < batchSize)
                    {
                        long wait = Stopwatch.GetTimestamp();
                        var slot = Take(k++);
                        waited += Stopwatch.GetElapsedTime(wait).TotalSeconds;
                        var d = slot.Item!;
                        batch.Items.Add(d);
                        if (d.Error is null)
                        {
                            int row = batch.Accepted.Count;
                            batch.Accepted.Add(d);
                            var raw = batch.Input.Raw.AsSpan(row * layout.RawSampleStride, layout.RawSampleStride);
                            slot.Pixels.CopyTo(raw);
                            if (card.Nan != Models.NanTreatment.Zero && (d.Flags & SampleFlags.PanStarrsHasNaN) != 0)
                                NanTreatments.Apply(card, raw);
                            batch.Input.EbvValues[2 * row] = d.EbvCsfd;
                            batch.Input.EbvValues[2 * row + 1] = d.EbvPlanck;
                        }
                        Release(slot);
                    }
                    // The batcher's own work (copies, NaN fills) and its wait for the decoders, apart: which stage is short?
                    StageTimings.Add("gather", stopwatch.Elapsed.TotalSeconds - waited, batch.Accepted.Count, background: true);
                    StageTimings.Add("decode_wait", waited, batch.Items.Count, background: true);
                    batch.Last = k >= todo.Count;
                    int n = batch.Accepted.Count;
                    batch.Input.Count = batch.Input.Samples = n;
                    for (int i = 0; i < n; i++) batch.Input.Augment[i] = Kernels.Input.SampleAugment.Identity;
                    stopwatch.Restart();
                    transform.Run(batch.Input.Raw, batch.Input.Augment, n, batch.Input.OutputBuffer);
                    StageTimings.Add("input_kernel", stopwatch.Elapsed.TotalSeconds, n, background: true);
                }
                catch (OperationCanceledException) { return; }
                catch (Exception e)
                {
                    batch.Error = e;
                    batch.Last = true;
                }
                readySlots.Release();
                if (batch.Last) return;
            }
        }) { IsBackground = true, Name = "mantis forced batcher" };
        batcher.Start();

        int torchThreads = torch.get_num_threads();
        try
        {
            torch.set_num_threads(threads);
            for (long b = 0; ; b++)
            {
                readySlots.Wait(stop.Token);
                var batch = batches[b % Slots];
                if (batch.Error is { } error) throw new InvalidOperationException($"forced photo-z input failed: {error.Message}", error);
                var probabilities = batch.Accepted.Count == 0 ? [] : Forward(service, batch.Input);
                var results = Finish(service, positions, batch.Accepted, probabilities, centres, o.Calibrate);
                int a = 0;
                foreach (var d in batch.Items)
                    emit(d.Error is null ? new ForcedItem(d.Index, results[a++], null) : new ForcedItem(d.Index, null, d.Error));
                bool last = batch.Last;
                emptySlots.Release();
                if (last) break;
            }
        }
        finally
        {
            torch.set_num_threads(torchThreads);
            stop.Cancel();
            // Cancelled, or their error already surfaced.
            try { Task.WaitAll(decoding, CancellationToken.None); } catch (AggregateException) { }
            free.Release(queue); // a decoder waiting for a slot wakes to the cancellation
            emptySlots.Release(Slots);
            batcher.Join();
            foreach (var b in batches) b.Input.Dispose();
            free.Dispose();
            emptySlots.Dispose();
            readySlots.Dispose();
        }
    }

    /// <summary>One position through the decode stage, into its slot's buffers; the errors a position may cause are its item's,
    /// anything else stops the run.</summary>
    private static async Task<Decoded> DecodeOne(ForcedPhotoZ service, NamedPosition pos, int index, Slot slot, ForcedPipelineOptions o,
        CancellationToken cancel)
    {
        try
        {
            var p = Cutouts.SkyPosition.Checked(pos.Ra, pos.Dec, string.IsNullOrEmpty(pos.Name) ? null : pos.Name);
            long start = Stopwatch.GetTimestamp();
            var flags = await service.Source.LoadIntoAsync(p, slot.Pixels, slot.ZeroPoints, cancel, o.AllowNan).ConfigureAwait(false);
            StageTimings.Add("cutouts", Stopwatch.GetElapsedTime(start).TotalSeconds, 1, background: true);
            start = Stopwatch.GetTimestamp();
            var (csfd, planck) = service.Dust.At(pos.Ra, pos.Dec);
            StageTimings.Add("dust", Stopwatch.GetElapsedTime(start).TotalSeconds, 1, background: true);
            // One extraction: all 9 bands when CalPIT needs them (r's S/N among them), else r alone, or none.
            Sources.TargetMeasurement[]? targets = null;
            double snrR = double.NaN;
            if (o.Calibrate || o.SignalToNoise)
            {
                start = Stopwatch.GetTimestamp();
                targets = o.Calibrate ? Sources.TargetPhotometry.MeasureSample(slot.Pixels) : null;
                snrR = targets is not null
                    ? targets[BandTable.Get(Band.r).Channel].SignalToNoise
                    : Sources.TargetPhotometry.SignalToNoise(slot.Pixels, Band.r);
                StageTimings.Add("snr", Stopwatch.GetElapsedTime(start).TotalSeconds, 1, background: true);
            }
            // The figure shows the cutouts as read, before the card's NaN fill.
            var kept = o.KeepCutouts ? new CutoutSample((float[])slot.Pixels.Clone(), (float[])slot.ZeroPoints.Clone(), flags) : null;
            return new Decoded(index, flags, csfd, planck, snrR, targets, kept, null);
        }
        catch (Exception e) when (e is UserInputException or Cutouts.UpstreamException or Fits.FitsFormatException)
        {
            return new Decoded(index, SampleFlags.None, 0, 0, double.NaN, null, null, e);
        }
    }

    private static float[][] Forward(ForcedPhotoZ service, InputBatch batch)
    {
        int n = batch.Count;
        float[] p;
        using (EngineMetrics.Activities.StartActivity("forced.batch")?.SetTag("samples", n))
        using (StageTimings.Stage("forward", n))
        using (torch.inference_mode())
        using (NewDisposeScope())
        {
            var inputs = batch.Inputs.Select((_, i) => batch.Input(i).to(service.Device)).ToArray();
            var ebv = batch.Ebv.narrow(0, 0, n).to(service.Device);
            p = nn.functional.softmax(service.Model.call(inputs, ebv), 1).cpu().contiguous().data<float>().ToArray();
        }
        EngineMetrics.Samples.Add(n, EngineMetrics.Tag("kind", "inference"));
        int classes = p.Length / n;
        var rows = new float[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = p.AsSpan(i * classes, classes).ToArray();
            Predictor.Normalise(rows[i]);
        }
        return rows;
    }

    private static ForcedResult[] Finish(ForcedPhotoZ service, IReadOnlyList<NamedPosition> positions, List<Decoded> accepted,
        float[][] probabilities,
        double[] centres, bool calibrate)
    {
        if (calibrate && accepted.Count > 0)
            probabilities = service.Calibration!.Recalibrate(probabilities,
                accepted.Select(d => CalibrationFeatures.FromTargets(d.Targets!, d.EbvCsfd, d.EbvPlanck)).ToArray());
        var results = new ForcedResult[accepted.Count];
        using var _ = StageTimings.Stage("pdf_summaries", accepted.Count);
        for (int i = 0; i < results.Length; i++)
        {
            var d = accepted[i];
            var pos = positions[d.Index];
            results[i] = new ForcedResult(pos.Name, pos.Ra, pos.Dec, d.EbvCsfd, d.EbvPlanck, probabilities[i],
                PdfSummary.From(probabilities[i], centres), d.Flags, calibrate, d.SnrR) { BatchSize = accepted.Count, Sample = d.Kept };
        }
        return results;
    }
}
