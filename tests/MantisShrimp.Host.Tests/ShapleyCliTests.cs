using System.Text.Json.Nodes;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Tests;

namespace MantisShrimp.Host.Tests;

public class ShapleyCliTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    private static string Checkpoint(TempDir tmp) => TestModels.SaveUntrained(tmp.File("model.ckpt"), 2);

    [Fact]
    public void Shapley_plot_masked_images_and_bench_follow_their_contracts()
    {
        using var tmp = new TempDir();
        string ckpt = Checkpoint(tmp);
        var shap = Run("shapley", "--model", ckpt, "--data", toy.Set.Directory, "--split", "train", "--count", "6", "--out",
            tmp.File("s.csv"), "--device", "cpu", "-q");
        Assert.True(shap.Code == 0, shap.Err);
        var lines = File.ReadAllLines(tmp.File("s.csv"));
        Assert.Equal(7, lines.Length);
        string[] bands = ["FUV", "NUV", "g", "r", "i", "z", "y", "W1", "W2"];
        Assert.Equal(["id", "z_spec", "v_all", "v_empty", .. bands.Select(b => $"shap_{b}"), .. bands.Select(b => $"mm_{b}")],
            lines[0].Split(',').Take(22));

        var plot = Run("shapley-plot", "--input", tmp.File("s.csv"), "--out", tmp.File("fig"), "--bin-width", "1.6");
        Assert.True(plot.Code == 0, plot.Err);
        foreach (var f in new[] { "shapley_by_z.png", "mmshap_by_z.png",
            "shapley_by_z.csv" }) Assert.True(File.Exists(Path.Combine(tmp.File("fig"), f)), f);

        var fig6 = Run("masked-images", "--data", toy.Set.Directory, "--split", "train", "--count", "2", "--seed", "4", "--out",
            tmp.File("fig6"));
        Assert.True(fig6.Code == 0, fig6.Err);
        Assert.Equal(2, Directory.GetFiles(tmp.File("fig6"), "baseline_*.png").Length);

        var bench = Run("bench", "shapley", "--model", ckpt, "--data", toy.Set.Directory, "--split", "train", "--galaxies", "1",
            "--batch-size", "32", "--repeats", "1",
            "--json", tmp.File("b.json"), "--device", "cpu", "-q");
        Assert.True(bench.Code == 0, bench.Err);
        var json = JsonNode.Parse(File.ReadAllText(tmp.File("b.json")))!.AsObject();
        foreach (var key in new[] { "galaxies_per_s_exact", "inference_samples_per_s", "exact_vs_limit", "batched_vs_per_subset",
            "stem_trick_gain", "factorise_gain",
                     "evaluations_saved_fraction", "sampled_speedup", "sampled_mean_abs_error" })
            Assert.True(json.ContainsKey(key), key);
        Assert.True((double)json["exact_vs_limit"]! > 0);

        // Late fusion: the factorised default and the brute-force --no-factorise path give the same values.
        TorchSharp.torch.random.manual_seed(5);
        using (var late = Engine.Models.PhotoZNetwork.Create(new Engine.Models.NetworkConfig
               { Arch = Engine.Models.NetworkArch.Late, Backbone = Engine.Models.ConvNeXtSpec.Demo.Name, HeadWidth = 32 }))
            TestModels.Save(tmp.File("late.ckpt"), late);
        string[] common = ["shapley", "--model", tmp.File("late.ckpt"), "--data", toy.Set.Directory, "--split", "train", "--count", "2",
            "--device", "cpu", "-q"];
        var fast = Run([.. common, "--out", tmp.File("late.csv")]);
        var brute = Run([.. common, "--no-factorise", "--out", tmp.File("late_brute.csv")]);
        Assert.True(fast.Code == 0 && brute.Code == 0, fast.Err + brute.Err);
        var a = File.ReadAllLines(tmp.File("late.csv"));
        var b = File.ReadAllLines(tmp.File("late_brute.csv"));
        Assert.Equal(a.Length, b.Length);
        for (int row = 1; row < a.Length; row++)
        {
            var fa = a[row].Split(',');
            var fb = b[row].Split(',');
            Assert.Equal(fa[0], fb[0]);
            for (int c = 2; c < 13; c++) // v_all, v_empty, shap_FUV … shap_W2
                Assert.True(Math.Abs(double.Parse(fa[c], System.Globalization.CultureInfo.InvariantCulture)
                    - double.Parse(fb[c], System.Globalization.CultureInfo.InvariantCulture)) < 1e-5, $"row {row} column {c}");
        }
        Assert.Equal(1, Run([.. common, "--accelerator", "gpu", "--out", tmp.File("z.csv")]).Code);

        // Bad input: an unknown mode, a missing model.
        Assert.Equal(1, Run("shapley", "--model", ckpt, "--data", toy.Set.Directory, "--mode", "approx", "--out", tmp.File("x.csv")).Code);
        var missing = Run("shapley", "--model", tmp.File("none.ckpt"), "--data", toy.Set.Directory, "--out", tmp.File("y.csv"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("none.ckpt", missing.Err);
    }
}
