using System.Text.Json;
using System.Text.Json.Serialization;

namespace MantisShrimp.Engine.Evaluation;

/// <summary>
/// What <c>mantis evaluate</c> measured: the whole set, with a bootstrap its standard errors and the bootstrap's size and
/// time, the metrics per value of the group column (when the scores have it) and per bin of the magnitude and S/N columns
/// (when they have them). Serialised as metrics.json (<see cref="EvaluationReportJson"/>).
/// </summary>
[JsonConverter(typeof(EvaluationReportJson))]
public sealed record EvaluationReport(
    GroupMetrics All,
    (int Resamples, double Seconds)? Bootstrap,
    string GroupColumn,
    IReadOnlyDictionary<string, GroupMetrics>? Groups,
    IReadOnlyList<BinnedMetrics> Binned)
{
    /// <summary>metrics.json's keys besides the metrics'.</summary>
    public const string CountKey = "n", UnitsKey = "units", ResamplesKey = "bootstrap_resamples", SecondsKey = "bootstrap_seconds",
        GroupPrefix = "by_";

    public BinnedMetrics? BinnedBy(string column) => Binned.FirstOrDefault(b => b.Column == column);
}

/// <summary>
/// metrics.json: <c>n</c>, <c>units</c>, the metrics (null where there is none), their <c>*_se</c>, <c>bootstrap_resamples</c>,
/// <c>bootstrap_seconds</c>, then <c>by_GROUP</c> (value → n and metrics) and <c>by_COLUMN</c> per binned column ("lo..hi" → n,
/// metrics and, for a bin of more than one galaxy, their *_se). The order and number formatting are those of the dictionary
/// the engine serialised before the report was typed (the checked-in fixture of the tests).
/// </summary>
internal sealed class EvaluationReportJson : JsonConverter<EvaluationReport>
{
    public override EvaluationReport Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("metrics.json is written, not read back");

    public override void Write(Utf8JsonWriter writer, EvaluationReport value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber(EvaluationReport.CountKey, value.All.N);
        writer.WriteStartObject(EvaluationReport.UnitsKey);
        foreach (var (key, unit) in MetricsTable.JsonUnits) writer.WriteString(key, unit);
        writer.WriteEndObject();
        WriteMetrics(writer, value.All);
        if (value.Bootstrap is var (resamples, seconds))
        {
            writer.WriteNumber(EvaluationReport.ResamplesKey, resamples);
            writer.WriteNumber(EvaluationReport.SecondsKey, seconds);
        }
        // As the dictionary did: a group column that is also a binned column keeps its first place and takes the last value.
        var sections = new Dictionary<string, Action>();
        if (value.Groups is { } groups) sections[EvaluationReport.GroupPrefix + value.GroupColumn] = () => WriteGroups(writer, groups);
        foreach (var binned in value.Binned)
            sections[EvaluationReport.GroupPrefix + binned.Column] = () => WriteGroups(writer, binned.Bins.Select(b => (b.Key, b.Metrics)));
        foreach (var (key, write) in sections)
        {
            writer.WritePropertyName(key);
            write();
        }
        writer.WriteEndObject();
    }

    private static void WriteGroups(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, GroupMetrics>> groups) =>
        WriteGroups(writer, groups.Select(g => (g.Key, g.Value)));

    private static void WriteGroups(Utf8JsonWriter writer, IEnumerable<(string Key, GroupMetrics Metrics)> groups)
    {
        writer.WriteStartObject();
        foreach (var (key, metrics) in groups)
        {
            writer.WriteStartObject(key);
            writer.WriteNumber(EvaluationReport.CountKey, metrics.N);
            WriteMetrics(writer, metrics);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static void WriteMetrics(Utf8JsonWriter writer, GroupMetrics m)
    {
        foreach (var (name, v) in m.Values.Named()) Write(writer, name, v);
        if (m.StandardErrors is { } se)
            foreach (var (name, v) in se.Named()) Write(writer, name + MetricValues.StandardErrorSuffix, v);
    }

    private static void Write(Utf8JsonWriter writer, string name, double v)
    {
        if (double.IsNaN(v)) writer.WriteNull(name);
        else writer.WriteNumber(name, v);
    }
}
