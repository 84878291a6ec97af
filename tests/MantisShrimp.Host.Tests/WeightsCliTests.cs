using MantisShrimp.Engine.Tests;

namespace MantisShrimp.Host.Tests;

public class WeightsCliTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void Export_then_import_scores_identically_and_a_wrong_size_is_refused()
    {
        using var tmp = new TempDir();
        string ckpt = TestModels.SaveUntrained(tmp.File("model.ckpt"), 3);
        var export = Run("export-weights", "--model", ckpt, "--out", tmp.File("w.pth"));
        Assert.True(export.Code == 0, export.Err);
        var import = Run("import-weights", "--weights", tmp.File("w.pth"), "--backbone", "convnext-demo", "--head-width", "32", "--out",
            tmp.File("back.ckpt"));
        Assert.True(import.Code == 0, import.Err);
        Assert.Contains("network:", import.Out);
        foreach (var (model, output) in new[] { (ckpt, "a.csv"), (tmp.File("back.ckpt"), "b.csv") })
            Assert.Equal(0, Run("score", "--model", model, "--data", toy.Set.Directory, "--split", "test", "--out", tmp.File(output),
                "--device", "cpu", "-q").Code);
        Assert.Equal(File.ReadAllText(tmp.File("a.csv")), File.ReadAllText(tmp.File("b.csv")));

        var wrong = Run("import-weights", "--weights", tmp.File("w.pth"), "--backbone", "convnext-atto", "--head-width", "32", "--out",
            tmp.File("x.ckpt"));
        Assert.Equal(1, wrong.Code);
        Assert.Contains("another --backbone", wrong.Err);
        Assert.False(File.Exists(tmp.File("x.ckpt")));
    }
}
