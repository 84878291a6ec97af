using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MantisShrimp.Engine.Diagnostics;

/// <summary>A job's timings as the stderr table and as the <c>--timings FILE.json</c> document.</summary>
public static class TimingsReport
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Stage, seconds, share of wall time, items/s; the last line names the bottleneck.</summary>
    public static string Table(StageTimings t)
    {
        var inv = CultureInfo.InvariantCulture;
        double wall = t.WallSeconds;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(inv, $"{"stage",-18} {"seconds",9} {"share",7} {"items/s",11}"));
        foreach (var s in t.Stages)
        {
            string rate = double.IsNaN(s.ItemsPerSecond) ? "—" : BenchFormat.Value(s.ItemsPerSecond);
            string name = s.Background ? s.Name + " (bg)" : s.Name;
            sb.AppendLine(string.Create(inv, $"{name,-18} {s.Seconds,9:F3} {100 * s.Seconds / Math.Max(wall, 1e-9),6:F1}% {rate,11}"));
        }
        sb.AppendLine(string.Create(inv, $"{"wall",-18} {wall,9:F3} {100.0,6:F1}%"));
        sb.Append(Bottleneck(t));
        return sb.ToString();
    }

    /// <summary>
    /// The stage that limits the job: the largest stage on the job's own thread; when that is the wait for the
    /// input queue, the largest background stage (what the consumer waited for).
    /// </summary>
    public static string Bottleneck(StageTimings t)
    {
        var stages = t.Stages;
        var fore = stages.Where(s => !s.Background).OrderByDescending(s => s.Seconds).FirstOrDefault();
        if (fore is null) return "bottleneck: none measured";
        double wall = Math.Max(t.WallSeconds, 1e-9);
        string share(StageTotal s) => (100 * s.Seconds / wall).ToString("F0", CultureInfo.InvariantCulture) + "% of wall";
        if (fore.Name == "input_wait" && stages.Where(s => s.Background).OrderByDescending(s => s.Seconds).FirstOrDefault() is { } bg)
            return $"bottleneck: {bg.Name} (the network waited for its input: input_wait {share(fore)})";
        return $"bottleneck: {fore.Name} ({share(fore)})";
    }

    /// <summary><c>{"wall_seconds", "stages": {NAME: {"seconds", "items"[, "background"]}}, "bottleneck", "machine"}</c>.</summary>
    public static void Write(string path, StageTimings t, IReadOnlyDictionary<string, object?> machine)
    {
        var stages = new Dictionary<string, object>();
        foreach (var s in t.Stages)
            stages[s.Name] = s.Background
                ? new Dictionary<string, object> { ["seconds"] = Math.Round(s.Seconds, 6), ["items"] = s.Items, ["background"] = true }
                : new Dictionary<string, object> { ["seconds"] = Math.Round(s.Seconds, 6), ["items"] = s.Items };
        var doc = new Dictionary<string, object?>
        {
            ["wall_seconds"] = Math.Round(t.WallSeconds, 6), ["stages"] = stages, ["bottleneck"] = Bottleneck(t)["bottleneck: ".Length..],
            ["machine"] = machine,
        };
        Common.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(doc, Indented) + "\n");
    }
}
