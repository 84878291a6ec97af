using System.Text.Json.Nodes;
using MantisShrimp.Engine.Tests;
using MantisShrimp.Host;

namespace MantisShrimp.Host.Tests;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void Help_lists_commands()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        foreach (var c in new[] { "ingest", "inspect", "info", "demo" }) Assert.Contains(c, output);
    }

    [Fact]
    public void Usage_errors_exit_1()
    {
        Assert.Equal(1, Run("ingest", "--catalog", "x.csv").Code);
        Assert.Equal(1, Run("no-such-command").Code);
        var (code, _, err) = Run("ingest", "--catalog", "/nonexistent/c.csv", "--cutouts", "/tmp", "--out", "/tmp/never");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/c.csv", err);
        var (snrCode, _, snrErr) = Run("score", "--model", "m.ckpt", "--data", "d", "--split", "test", "--out", "s.csv", "--snr", "r,q");
        Assert.Equal(1, snrCode);
        Assert.Contains("--snr: Unknown band 'q'", snrErr);
    }

    [Fact]
    public void Ingest_then_inspect_prints_the_contract_json()
    {
        using var tmp = new TempDir();
        string cutouts = tmp.File("cutouts");
        Directory.CreateDirectory(cutouts);
        SampleFiles.Write(cutouts, "gal1", 150.1, 2.2, seed: 1);
        SampleFiles.Write(cutouts, "gal2", 150.2, 2.3, seed: 2);
        string catalog = SampleFiles.Catalog(tmp.File("cat.csv"),
            [("gal1", 150.1, 2.2, 0.5), ("gal2", 150.2, 2.3, 0.25), ("gal3", 150.3, 2.4, 0.7)]);
        var ingest = Run("ingest", "--catalog", catalog, "--cutouts", cutouts, "--out", tmp.File("shards"), "--chunks", "1", "--seed", "3",
            "--quiet");
        Assert.Equal(0, ingest.Code);
        Assert.Contains("rejected 1", ingest.Out);
        Assert.Equal("id,reason", File.ReadAllLines(Path.Combine(tmp.File("shards"), "rejects.csv"))[0]);
        Assert.StartsWith("gal3,missing file", File.ReadAllLines(Path.Combine(tmp.File("shards"), "rejects.csv"))[1]);

        var (code, output, _) = Run("inspect", tmp.File("shards"), "--id", "gal1");
        Assert.Equal(0, code);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("gal1", (string?)json["id"]);
        Assert.Contains((string?)json["split"], new[] { "train", "val", "test" });
        Assert.Equal(0.5, (double)json["z"]!, 6);
        var bands = json["bands"]!.AsObject();
        Assert.Equal(["FUV", "NUV", "g", "r", "i", "z", "y", "W1", "W2"], bands.Select(b => b.Key));
        Assert.Equal([170, 170], bands["g"]!["shape"]!.AsArray().Select(v => (int)v!));
        Assert.Equal([32, 32], bands["W2"]!["shape"]!.AsArray().Select(v => (int)v!));
        foreach (var (_, b) in bands)
            foreach (var key in new[] { "sum", "nan", "min", "max" }) Assert.NotNull(b![key]);
        // The sum matches the written values.
        double expected = 0;
        for (int y = 0; y < 170; y++) for (int x = 0; x < 170; x++) expected += SampleFiles.Value(Engine.Surveys.Band.g, x, y, 1);
        Assert.Equal(expected, (double)bands["g"]!["sum"]!, 3);

        Assert.Equal(1, Run("inspect", tmp.File("shards"), "--id", "gal3").Code);
        Assert.Equal(1, Run("inspect", tmp.File("nowhere"), "--id", "gal1").Code);
    }

    [Fact]
    public void Info_reports_a_working_libtorch()
    {
        var (code, output, err) = Run("info", "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains("libtorch training step: ok", output);
    }

    [Fact]
    public void Bench_network_reports_training_and_inference_rates()
    {
        using var tmp = new TempDir();
        var (code, _, err) = Run("bench", "network", "--backbone", "convnext-demo", "--batch-size", "2", "--steps", "1", "--device", "cpu",
            "--json", tmp.File("n.json"));
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(File.ReadAllText(tmp.File("n.json")))!;
        Assert.True((double)json["train_samples_per_s"]! > 0);
        Assert.True((double)json["inference_samples_per_s"]! > 0);
        Assert.Equal("9x120x120", (string?)json["input_shapes"]![0]);
    }

    [Fact]
    public void Photometry_adds_the_table_to_a_shard_set_without_one()
    {
        using var tmp = new TempDir();
        string cutouts = tmp.File("cutouts");
        Directory.CreateDirectory(cutouts);
        SampleFiles.Write(cutouts, "gal1", 150.1, 2.2, seed: 1);
        string catalog = SampleFiles.Catalog(tmp.File("cat.csv"), [("gal1", 150.1, 2.2, 0.5)]);
        Assert.Equal(0, Run("ingest", "--catalog", catalog, "--cutouts", cutouts, "--out", tmp.File("shards"), "--chunks", "1",
            "--quiet").Code);
        var tables = Directory.GetFiles(tmp.File("shards"), "*.photometry");
        Assert.NotEmpty(tables); // ingest measured it
        var bytes = tables.ToDictionary(t => t, File.ReadAllBytes);
        foreach (var t in tables) File.Delete(t);
        var (code, output, _) = Run("photometry", tmp.File("shards"));
        Assert.Equal(0, code);
        Assert.Contains("measured 1 records", output);
        foreach (var (t, b) in bytes) Assert.Equal(b, File.ReadAllBytes(t)); // the same table again
        Assert.Contains("measured 0 records", Run("photometry", tmp.File("shards")).Out); // nothing left to do
    }
}
