using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Tests;
using MantisShrimp.Engine.Training;

namespace MantisShrimp.Host.Tests;

/// <summary>Issue 18: a real score run's --timings JSON and stderr table.</summary>
public class TimingsCliTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    [Fact]
    public void Score_with_timings_writes_its_stages_and_names_the_bottleneck()
    {
        using var tmp = new TempDir();
        TestModels.SaveUntrained(tmp.File("m.ckpt"), 3);
        var (code, _, err) = Cli.Run("score", "--model", tmp.File("m.ckpt"), "--data", toy.Set.Directory, "--split", "test",
            "--out", tmp.File("s.csv"), "--device", "cpu", "--timings", tmp.File("t/timings.json"));
        Assert.True(code == 0, err);
        int rows = File.ReadAllLines(tmp.File("s.csv")).Length - 1;
        Assert.True(rows > 0);

        var doc = JsonNode.Parse(File.ReadAllText(tmp.File("t/timings.json")))!;
        double wall = (double)doc["wall_seconds"]!;
        var stages = doc["stages"]!.AsObject();
        foreach (var name in new[] { "load_model", "input_wait", "gather", "input_kernel", "forward", "pdf_summaries", "write" })
            Assert.True(stages.ContainsKey(name), $"stage {name} missing: {stages.ToJsonString()}");
        // Every galaxy scored went through each per-galaxy stage exactly once.
        foreach (var name in new[] { "gather", "input_kernel", "forward", "pdf_summaries", "write" })
            Assert.Equal(rows, (long)stages[name]!["items"]!);
        Assert.True((bool)stages["gather"]!["background"]!);
        Assert.Null(stages["forward"]!["background"]);
        // The job's own thread runs its stages one after another: they fit in the wall time.
        double foreground = stages.Where(s => s.Value!["background"] is null).Sum(s => (double)s.Value!["seconds"]!);
        Assert.True(foreground > 0 && foreground <= wall, $"foreground {foreground} s, wall {wall} s");
        Assert.All(stages, s => Assert.True((double)s.Value!["seconds"]! >= 0));
        var machine = doc["machine"]!.AsObject();
        foreach (var key in new[] { "cpu", "cores", "memory", "os", "dotnet", "libtorch", "torch_threads", "commit", "load_average" })
            Assert.True(machine.ContainsKey(key), key);
        Assert.Equal(Environment.ProcessorCount, (int)machine["cores"]!);

        var lines = err.TrimEnd().Split('\n');
        Assert.StartsWith("bottleneck: ", lines[^1]);
        Assert.Contains((string)doc["bottleneck"]!, lines[^1]);
        Assert.Contains(lines, l => l.StartsWith("forward ", StringComparison.Ordinal) && l.Contains('%'));
        Assert.Contains(lines, l => l.StartsWith("gather (bg)", StringComparison.Ordinal));
    }

    [Fact]
    public void Quiet_score_prints_no_table_and_a_bad_timings_path_is_a_user_error()
    {
        using var tmp = new TempDir();
        TestModels.SaveUntrained(tmp.File("m.ckpt"), 3);
        var quiet = Cli.Run("score", "--model", tmp.File("m.ckpt"), "--data", toy.Set.Directory, "--out", tmp.File("s.csv"),
            "--device", "cpu", "-q");
        Assert.True(quiet.Code == 0, quiet.Err);
        Assert.DoesNotContain("bottleneck", quiet.Err);
        File.WriteAllText(tmp.File("file"), "");
        var bad = Cli.Run("score", "--model", tmp.File("m.ckpt"), "--data", toy.Set.Directory, "--out", tmp.File("s2.csv"),
            "--device", "cpu", "-q",
            "--timings", tmp.File("file/t.json"));
        Assert.Equal(1, bad.Code);
        Assert.Contains("--timings", bad.Err);
    }
}

/// <summary>Issue 18: GET /metrics of the web app after a real request.</summary>
public class MetricsEndpointTests(ForcedFixture f) : IClassFixture<ForcedFixture>
{
    [Fact]
    public async Task Metrics_after_a_prediction_hold_engine_aspnetcore_and_runtime_series()
    {
        var g = f.Accepted[0];
        var (_, network) = Checkpoint.Load(f.Model);
        using var service = new Engine.Forced.ForcedPhotoZ(network, TorchSharp.torch.CPU, new Engine.Cutouts.LocalCutoutSource(f.Cutouts),
            Engine.Forced.DustSource.FromMaps(f.Dust));
        await using var app = Web.WebApp.Build(service, "http://127.0.0.1:0", permitsPerMinute: 60_000);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var body = new Dictionary<string, object> { ["NAME"] = "m", ["RA"] = g.Ra, ["DEC"] = g.Dec };
        var reply = await http.PostAsJsonAsync("/predict", body);
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);

        var metrics = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var lines = (await metrics.Content.ReadAsStringAsync()).Split('\n');
        var samples = lines.Where(l => l.StartsWith("mantis_samples_processed_total{", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(samples);
        Assert.True(samples.Sum(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)) >= 1);
        Assert.Contains(lines, l => l.StartsWith("mantis_stage_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("stage=\"forward\""));
        Assert.Contains(lines, l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("/predict"));
        Assert.Contains(lines, l => l.StartsWith("dotnet_", StringComparison.Ordinal));
    }
}

/// <summary>Issue 18: bench reports with a table, machine description and spreads over runs.</summary>
public class BenchReportCliTests
{
    [Fact]
    public void Bench_network_with_two_runs_prints_a_table_and_reports_the_machine_and_spreads()
    {
        using var tmp = new TempDir();
        var (code, stdout, err) = Cli.Run("bench", "network", "--backbone", "convnext-demo", "--batch-size", "2", "--steps", "1",
            "--device", "cpu",
            "--runs", "2", "--json", tmp.File("n.json"));
        Assert.True(code == 0, err);
        var doc = JsonNode.Parse(File.ReadAllText(tmp.File("n.json")))!;
        Assert.Equal(JsonNode.Parse(stdout)!.ToJsonString(), doc.ToJsonString());
        Assert.Equal(2, (int)doc["runs"]!);
        foreach (var key in new[] { "cpu", "cores", "memory", "os", "dotnet", "libtorch", "torch_threads", "commit", "load_average" })
            Assert.True(doc["machine"]!.AsObject().ContainsKey(key), key);
        var s = doc["spread"]!["train_samples_per_s"]!;
        Assert.True((double)s["min"]! <= (double)s["median"]! && (double)s["median"]! <= (double)s["max"]!);
        Assert.Equal((double)s["median"]!, (double)doc["train_samples_per_s"]!, 9);
        var row = err.Split('\n').Single(l => l.StartsWith("train_samples_per_s ", StringComparison.Ordinal));
        Assert.Contains("1/s", row);
        Assert.Contains(" – ", row); // min–max
        Assert.Contains(err.Split('\n'), l => l.StartsWith("machine: ", StringComparison.Ordinal));
    }
}
