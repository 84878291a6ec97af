using System.Collections.Concurrent;
using System.Diagnostics;

namespace MantisShrimp.Engine.Diagnostics;

/// <summary>
/// Where a job's time went: seconds and items per named stage (read, gather, input_kernel, forward, write, …).
/// Thread-safe and cheap (two <see cref="Stopwatch.GetTimestamp"/> calls and two interlocked adds per scope), so
/// stages are timed always; a job's collector is ambient (<see cref="Begin"/>, flowing to the threads and tasks it
/// starts), so the engine's code says only <c>using var _ = StageTimings.Stage("forward", n);</c>.
/// Stages on the job's own thread run one after another and sum to at most the wall time; stages marked
/// background (a producer thread filling a queue ahead of the consumer) overlap them, and the consumer's wait
/// for that queue is its own stage (<c>input_wait</c>).
/// </summary>
public sealed class StageTimings
{
    private static readonly AsyncLocal<StageTimings?> Ambient = new();
    private readonly ConcurrentDictionary<string, Accumulator> _stages = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _end;

    /// <summary>The collector of the job running on this logical thread, or null outside one.</summary>
    public static StageTimings? Current => Ambient.Value;

    /// <summary>Starts collecting for the calling logical thread (and what it starts) until the scope is disposed.</summary>
    public static Session Begin()
    {
        var timings = new StageTimings();
        var previous = Ambient.Value;
        Ambient.Value = timings;
        return new Session(timings, previous);
    }

    /// <summary>
    /// Times a stage of <paramref name="items"/> units until disposed: into the ambient collector (if any) and
    /// into the <c>mantis.stage.duration</c> histogram (<see cref="EngineMetrics"/>).
    /// </summary>
    public static Scope Stage(string name, long items = 0, bool background = false) => new(Current, name, items, background);

    /// <summary>Adds a measured span (for code that already holds a stopwatch).</summary>
    public static void Add(string name, double seconds, long items = 0, bool background = false)
    {
        EngineMetrics.StageDuration.Record(seconds, new KeyValuePair<string, object?>("stage", name));
        Current?.Record(name, Stopwatch.Frequency * seconds, items, background);
    }

    /// <summary>Seconds since the collector started (or until it was stopped).</summary>
    public double WallSeconds => ((_end == 0 ? Stopwatch.GetTimestamp() : _end) - _start) / (double)Stopwatch.Frequency;

    /// <summary>The stages in order of first use.</summary>
    public IReadOnlyList<StageTotal> Stages =>
        _stages.Select(kv => new StageTotal(kv.Key, kv.Value.Ticks / (double)Stopwatch.Frequency, kv.Value.Items, kv.Value.Background,
                kv.Value.Order))
            .OrderBy(s => s.Order).ToList();

    private long _order;

    private void Record(string name, double ticks, long items, bool background)
    {
        var a = _stages.GetOrAdd(name, static (_, self) => new Accumulator(Interlocked.Increment(ref self._order)), this);
        Interlocked.Add(ref a.Ticks, (long)ticks);
        Interlocked.Add(ref a.Items, items);
        if (background) a.Background = true;
    }

    private void Stop() => _end = Stopwatch.GetTimestamp();

    private sealed class Accumulator(long order)
    {
        public long Ticks, Items;
        public volatile bool Background;
        public long Order { get; } = order;
    }

    /// <summary>One running stage; a struct so that timing allocates nothing.</summary>
    public readonly struct Scope(StageTimings? timings, string name, long items, bool background) : IDisposable
    {
        private readonly long _start = Stopwatch.GetTimestamp();

        public void Dispose()
        {
            long ticks = Stopwatch.GetTimestamp() - _start;
            EngineMetrics.StageDuration.Record(ticks / (double)Stopwatch.Frequency, new KeyValuePair<string, object?>("stage", name));
            timings?.Record(name, ticks, items, background);
        }
    }

    /// <summary>The collection of one job; disposing it stops the wall clock and restores the previous collector.</summary>
    public sealed class Session(StageTimings timings, StageTimings? previous) : IDisposable
    {
        public StageTimings Timings { get; } = timings;

        public void Dispose()
        {
            Timings.Stop();
            Ambient.Value = previous;
        }
    }
}
