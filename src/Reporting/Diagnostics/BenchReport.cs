using System.Collections;
using System.Globalization;
using System.Text;

namespace MantisShrimp.Engine.Diagnostics;

/// <summary>
/// A bench command's results as people read them: runs a benchmark N times (its own warm-ups stay inside it and
/// count in no figure), keeps its JSON shape with each number replaced by the median over the runs, adds
/// <c>runs</c>, <c>spread</c> (min, max, median per figure when N &gt; 1) and <c>machine</c>, and renders a table
/// (figure, value with about four digits, unit, min–max).
/// </summary>
public static class BenchReport
{
    public static Dictionary<string, object?> Run(int runs, Func<IDictionary> bench, Dictionary<string, object?> machine)
    {
        runs = Math.Max(1, runs);
        var values = new Dictionary<string, List<double>>();
        IDictionary last = null!;
        for (int i = 0; i < runs; i++)
        {
            last = bench();
            foreach (var (name, v) in Numbers(last, "")) (values.TryGetValue(name, out var l) ? l : values[name] = []).Add(v);
        }
        var report = new Dictionary<string, object?>();
        foreach (DictionaryEntry e in last) report[(string)e.Key] = e.Value;
        if (runs > 1)
        {
            foreach (var (name, list) in values) SetMedian(report, name.Split('.'), Median(list));
            report["spread"] = values.ToDictionary(kv => kv.Key, kv => new Dictionary<string, double>
            {
                ["min"] = kv.Value.Min(), ["max"] = kv.Value.Max(), ["median"] = Median(kv.Value),
            });
        }
        report["runs"] = runs;
        report["machine"] = machine;
        return report;
    }

    /// <summary>The top-level figures (not <c>raw</c>, <c>spread</c>, <c>machine</c>): figure, value, unit, min–max.</summary>
    public static string Table(IReadOnlyDictionary<string, object?> report)
    {
        var spread = report.GetValueOrDefault("spread") as Dictionary<string, Dictionary<string, double>>;
        var rows = Numbers(Figures(report), "").ToList();
        int width = Math.Max(6, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
        var sb = new StringBuilder();
        sb.AppendLine($"{"figure".PadRight(width)}  {"value",12}  {"unit",-5}  min–max");
        foreach (var (name, v) in rows)
        {
            string range = spread?.GetValueOrDefault(name) is { } s
                ? $"{BenchFormat.Value(s["min"])} – {BenchFormat.Value(s["max"])}"
                : "(1 run)";
            sb.AppendLine($"{name.PadRight(width)}  {BenchFormat.Value(v),12}  {Unit(name),-5}  {range}");
        }
        if (report.GetValueOrDefault("machine") is Dictionary<string, object?> m)
        {
            sb.Append(CultureInfo.InvariantCulture, $"machine: {m.GetValueOrDefault("cpu")}, {m.GetValueOrDefault("cores")} cores, ");
            sb.Append(CultureInfo.InvariantCulture,
                $"{m.GetValueOrDefault("memory")}, libtorch {m.GetValueOrDefault("libtorch")} ")
                .Append(CultureInfo.InvariantCulture, $"({m.GetValueOrDefault("torch_threads")} threads)");
            if (m.GetValueOrDefault("warning") is string w) sb.Append("\nwarning: ").Append(w);
        }
        return sb.ToString();
    }

    /// <summary>The unit a figure's name implies (the benchmarks name figures by what they measure).</summary>
    public static string Unit(string name)
    {
        if (name.EndsWith("gb_per_s", StringComparison.Ordinal)) return "GB/s";
        if (name.Contains("_per_s", StringComparison.Ordinal)) return "1/s";
        if (name.EndsWith("seconds", StringComparison.Ordinal) || name.EndsWith("seconds_per_step", StringComparison.Ordinal)) return "s";
        if (name.Contains("bytes", StringComparison.Ordinal)) return "B";
        if (name.Contains("_vs_", StringComparison.Ordinal) || name.EndsWith("gain", StringComparison.Ordinal)
            || name.EndsWith("speedup", StringComparison.Ordinal)) return "×";
        if (name.EndsWith("fraction", StringComparison.Ordinal)) return "frac";
        if (name.EndsWith("error", StringComparison.Ordinal)) return "z";
        return "";
    }

    private static Dictionary<string, object?> Figures(IReadOnlyDictionary<string, object?> report) =>
        report.Where(kv => kv.Key is not ("raw" or "spread" or "machine" or "runs")).ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Every finite number in a results tree, by dotted path (lists are skipped: ladders, shapes).</summary>
    private static IEnumerable<(string Name, double Value)> Numbers(IDictionary d, string prefix)
    {
        foreach (DictionaryEntry e in d)
        {
            string name = prefix + (string)e.Key;
            if (e.Value is IDictionary inner) { foreach (var x in Numbers(inner, name + ".")) yield return x; }
            else if (AsDouble(e.Value) is double v && double.IsFinite(v)) yield return (name, v);
        }
    }

    private static double? AsDouble(object? v) => v switch
    {
        double d => d, float f => f, int i => i, long l => l, _ => null,
    };

    private static void SetMedian(IDictionary d, string[] path, double median)
    {
        for (int i = 0; i < path.Length - 1; i++)
            if (d[path[i]] is IDictionary inner) d = inner;
            else return;
        if (d[path[^1]] is double) d[path[^1]] = median; // integers (counts, sizes) stay the last run's
    }

    private static double Median(List<double> v)
    {
        var s = v.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
