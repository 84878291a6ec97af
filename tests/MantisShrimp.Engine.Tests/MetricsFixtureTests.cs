using MantisShrimp.Engine.Evaluation;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// metrics.json and the --table CSV of <c>mantis evaluate</c> byte for byte against what the engine wrote before its
/// metrics became a typed record (data/metrics/README.md: the commit, the commands): keys, their order, nulls and number
/// formatting. Only <c>bootstrap_seconds</c>, a timing, is left out.
/// </summary>
public class MetricsFixtureTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "data", "metrics", name);

    private static string WithoutTiming(string json) =>
        string.Join('\n', json.Split('\n').Where(l => !l.TrimStart().StartsWith("\"bootstrap_seconds\":", StringComparison.Ordinal)));

    [Theory]
    [InlineData("with_pdfs", 20)]
    [InlineData("no_pdfs", 0)]
    public void Evaluate_writes_the_metrics_json_and_table_of_the_dictionary_it_replaced(string scores, int bootstrap)
    {
        using var tmp = new TempDir();
        var report = Evaluator.Run(new EvaluateOptions(Fixture(scores + ".csv"), tmp.File("eval"))
        {
            Bootstrap = bootstrap, Seed = 3, Table = tmp.File("metrics.csv"),
        });
        string expected = File.ReadAllText(Fixture(scores + ".metrics.json"));
        string written = File.ReadAllText(Path.Combine(tmp.File("eval"), "metrics.json"));
        Assert.Equal(WithoutTiming(expected), WithoutTiming(written));
        // The timing left out above is there exactly when the bootstrap ran (the units object names it either way).
        using (var json = System.Text.Json.JsonDocument.Parse(written))
            Assert.Equal(bootstrap > 0, json.RootElement.TryGetProperty("bootstrap_seconds", out var seconds)
                && seconds.ValueKind == System.Text.Json.JsonValueKind.Number);
        Assert.Equal(File.ReadAllText(Fixture(scores + ".metrics.csv")), File.ReadAllText(tmp.File("metrics.csv")));
        Assert.Equal(bootstrap > 0 ? bootstrap : null, report.Bootstrap?.Resamples);
    }
}
