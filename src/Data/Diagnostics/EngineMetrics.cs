using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MantisShrimp.Engine.Diagnostics;

/// <summary>
/// The engine's live instruments, on the <c>MantisShrimp</c> meter (watch any job with
/// <c>dotnet-counters monitor --counters MantisShrimp -p PID</c>; <c>mantis serve</c> exports them at /metrics),
/// and its activity source for traces. Names are dotted OpenTelemetry style; Prometheus shows them as
/// <c>mantis_…</c>. Recording without a listener costs next to nothing, so the engine records always.
/// </summary>
public static class EngineMetrics
{
    public const string Name = "MantisShrimp";

    public static readonly Meter Meter = new(Name, typeof(EngineMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Spans around batches (<c>predict.batch</c>, <c>forced.batch</c>, …) for a trace exporter or dotnet-trace.</summary>
    public static readonly ActivitySource Activities = new(Name);

    /// <summary>Galaxies that went through a network (tag <c>job</c>: score, predict, train, shapley, calibrate, forced).</summary>
    public static readonly Counter<long> Samples = Meter.CreateCounter<long>("mantis.samples.processed", "{sample}",
        "Samples that went through a network");

    /// <summary>Every timed stage scope's duration (tag <c>stage</c>), i.e. batch latency per stage.</summary>
    public static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>("mantis.stage.duration", "s",
        "Duration of one timed stage (a batch, or a row for per-row stages)");

    /// <summary>Items waiting in a queue (tag <c>queue</c>: input = prepared batches in the ring, forced = requests).</summary>
    public static readonly UpDownCounter<long> QueueDepth = Meter.CreateUpDownCounter<long>("mantis.queue.depth", "{item}",
        "Items waiting in a queue");

    /// <summary>Cutout cache lookups (tag <c>result</c>: hit or miss).</summary>
    public static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>("mantis.cache.lookups", "{lookup}",
        "Cutout cache lookups by result");

    /// <summary>Retried HTTP calls to the cutout services.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("mantis.http.retries", "{retry}",
        "Retries of calls to the cutout services");

    /// <summary>Samples rejected by ingest (tag <c>reason</c> is not used: reasons are free text; see rejects.csv).</summary>
    public static readonly Counter<long> Rejects = Meter.CreateCounter<long>("mantis.ingest.rejects", "{sample}",
        "Samples rejected by ingest");

    public static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
