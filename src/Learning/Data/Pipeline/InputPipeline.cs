using System.Diagnostics;
using MantisShrimp.Engine.Diagnostics;
using MantisShrimp.Engine.Models;
using MantisShrimp.Kernels;
using MantisShrimp.Kernels.Input;

namespace MantisShrimp.Engine.Data.Pipeline;

public sealed record PipelineOptions
{
    public FusionKind Fusion { get; init; } = FusionKind.Early;
    public int BatchSize { get; init; } = 16;
    /// <summary>Batches prepared ahead (ring slots): 2 = double buffering, 3 = triple.</summary>
    public int Slots { get; init; } = 3;
    /// <summary>Threads preparing a batch (the producer included).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    public TransformBackend Backend { get; init; } = TransformBackend.Simd;
    public AcceleratorChoice Accelerator { get; init; } = AcceleratorChoice.Cpu;
    /// <summary>The model card whose NaN treatment is applied to each sample's native pixels before the transforms (null: none).</summary>
    public Models.ModelCard? Card { get; init; }
}

/// <summary>
/// Mapped shards → sampler → gather into pinned host buffers → fused transform → tensors sharing that memory.
/// A background producer fills a ring of <see cref="PipelineOptions.Slots"/> batches ahead of the consumer;
/// the consumer calls <see cref="Next"/>, uses the batch, and <see cref="Release"/>s it. A failure while
/// preparing a batch is rethrown by <see cref="Next"/> naming the sample — never a hang.
/// </summary>
public sealed unsafe class InputPipeline : IDisposable
{
    private readonly ShardSet _set;
    private readonly ISampler _sampler;
    private readonly AugmentPolicy _policy;
    private readonly Models.ModelCard? _card;
    private readonly InputBatch[] _slots;
    private readonly SemaphoreSlim _free, _ready;
    private readonly WorkCrew _crew;
    private readonly InputTransform _transform;
    private readonly Action<int, int> _gatherItem;
    private readonly Thread _producer;
    private readonly CancellationTokenSource _stop = new();
    private InputBatch? _current;
    // The batch the crew is gathering into: set by the producer before each crew run, read by GatherRow (a cached
    // delegate, so the crew call allocates nothing per batch).
    private InputBatch? _producing;
    private long _consumed;
    private bool _ended;

    public InputPipeline(ShardSet set, ISampler sampler, AugmentPolicy policy, PipelineOptions options)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "Batch size must be positive.");
        _set = set;
        _sampler = sampler;
        _policy = policy;
        _card = options.Card is { Nan: not Models.NanTreatment.Zero } card ? card : null;
        Options = options;
        int rows = options.BatchSize * policy.Rotations;
        Layout = InputLayouts.Create(options.Fusion, rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Slots, 1, nameof(options.Slots));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1, nameof(options.Workers));
        _slots = Enumerable.Range(0, options.Slots).Select(_ => new InputBatch(Layout, rows)).ToArray();
        _free = new SemaphoreSlim(_slots.Length);
        _ready = new SemaphoreSlim(0);
        _crew = new WorkCrew(options.Workers - 1, "mantis input");
        _transform = new InputTransform(Layout, options.Backend, options.Accelerator, _crew, ownsCrew: false);
        _gatherItem = GatherRow;
        _producer = new Thread(Produce) { IsBackground = true, Name = "mantis input producer" };
        _producer.Start();
    }

    public PipelineOptions Options { get; }
    public InputLayout Layout { get; }

    /// <summary>Seconds the producer spent gathering records (mapped shards → pinned buffer).</summary>
    public double GatherSeconds { get; private set; }

    /// <summary>Seconds the producer spent in the transform.</summary>
    public double TransformSeconds { get; private set; }

    /// <summary>The next prepared batch, or null at the end of the sampler. Blocks while the producer works.</summary>
    public InputBatch? Next(CancellationToken cancel = default)
    {
        if (_ended) return null;
        if (_current is not null) throw new InvalidOperationException("Release the previous batch before taking the next.");
        using (StageTimings.Stage("input_wait")) _ready.Wait(cancel); // the consumer waiting for the producer
        EngineMetrics.QueueDepth.Add(-1, InputQueue);
        var batch = _slots[_consumed % _slots.Length];
        _consumed++;
        if (batch.Error is { } error)
        {
            _ended = true;
            throw new InvalidOperationException($"Input pipeline failed: {error.Message}", error);
        }
        if (batch.Count == 0)
        {
            _ended = true;
            return null;
        }
        _current = batch;
        return batch;
    }

    /// <summary>Returns a batch's slot to the producer.</summary>
    public void Release(InputBatch batch)
    {
        if (!ReferenceEquals(batch, _current)) throw new InvalidOperationException("Release the batch returned by Next.");
        _current = null;
        _free.Release();
    }

    // Long by design: the producer loop and its slot hand-off (free → gather → transform → ready) read in order.
    private void Produce()
    {
        var stopwatch = new Stopwatch();
        for (long index = 0; ; index++)
        {
            try
            {
                _free.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var batch = _slots[index % _slots.Length];
            batch.BatchIndex = index;
            batch.Error = null;
            try
            {
                int k = _policy.Rotations;
                int samples = _sampler.Next(batch.Records.AsSpan(0, Options.BatchSize));
                // Rows are samples × rotations; spread records so row r holds sample r / k.
                for (int i = samples - 1; i >= 0; i--)
                    for (int j = k - 1; j >= 0; j--) batch.Records[i * k + j] = batch.Records[i];
                batch.Samples = samples;
                batch.Count = samples * k;
                if (samples == 0)
                {
                    EngineMetrics.QueueDepth.Add(1, InputQueue);
                    _ready.Release();
                    return;
                }
                _policy.Fill(index, samples, batch.Augment);
                _producing = batch;
                stopwatch.Restart();
                try
                {
                    _crew.Run(batch.Count, _gatherItem);
                }
                catch (WorkItemException e)
                {
                    throw Named(e, e.Item, batch);
                }
                GatherSeconds += stopwatch.Elapsed.TotalSeconds;
                StageTimings.Add("gather", stopwatch.Elapsed.TotalSeconds, batch.Count, background: true);
                stopwatch.Restart();
                try
                {
                    _transform.Run(batch.Raw, batch.Augment, batch.Count, batch.OutputBuffer);
                }
                catch (WorkItemException e)
                {
                    throw Named(e, e.Item / Layout.Channels.Length, batch);
                }
                TransformSeconds += stopwatch.Elapsed.TotalSeconds;
                StageTimings.Add("input_kernel", stopwatch.Elapsed.TotalSeconds, batch.Count, background: true);
            }
            catch (Exception e)
            {
                batch.Error = e;
                EngineMetrics.QueueDepth.Add(1, InputQueue);
                _ready.Release();
                return;
            }
            EngineMetrics.QueueDepth.Add(1, InputQueue);
            _ready.Release();
        }
    }

    private static readonly KeyValuePair<string, object?> InputQueue = EngineMetrics.Tag("queue", "input");

    /// <summary>A failed crew item as an error naming its sample.</summary>
    private InvalidOperationException Named(WorkItemException e, int row, InputBatch batch)
    {
        var r = batch.Records[row];
        string id = SafeId(r);
        return new InvalidOperationException($"sample '{id}' (shard {_set.Shards[r.Shard].Info.File}, slot {r.Slot}): " +
            $"{e.InnerException?.Message}", e.InnerException);
    }

    private string SafeId(RecordRef r)
    {
        try
        {
            return _set.Shards[r.Shard].Ids[r.Slot];
        }
        catch (Exception)
        {
            return $"#{r.Slot}";
        }
    }

    private void GatherRow(int row, int worker)
    {
        var batch = _producing!;
        var r = batch.Records[row];
        var shard = _set.Shards[r.Shard];
        var raw = batch.Raw.AsSpan(row * Layout.RawSampleStride, Layout.RawSampleStride);
        shard.Pixels(r.Slot).CopyTo(raw);
        if (_card is not null) NanTreatments.Apply(_card, raw);
        ref readonly var h = ref shard.Header(r.Slot);
        batch.RedshiftValues[row] = h.Z;
        batch.ClassValues[row] = RedshiftGrid.ClassOf(h.Z);
        batch.EbvValues[2 * row] = h.EbvCsfd;
        batch.EbvValues[2 * row + 1] = h.EbvPlanck;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _free.Release(_slots.Length); // unblock the producer if it waits for a slot
        _producer.Join();
        EngineMetrics.QueueDepth.Add(-_ready.CurrentCount, InputQueue); // batches prepared but never taken
        _transform.Dispose();
        _crew.Dispose();
        foreach (var s in _slots) s.Dispose();
        _free.Dispose();
        _ready.Dispose();
        _stop.Dispose();
    }
}
