using MantisShrimp.Engine.Tests;

namespace MantisShrimp.Host.Tests;

public class CalibrationCliTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void Calibrate_then_score_with_the_calibration()
    {
        using var tmp = new TempDir();
        TestModels.SaveUntrained(tmp.File("m.ckpt"), 2);
        var cal = Run("calibrate", "--model", tmp.File("m.ckpt"), "--data", toy.Set.Directory, "--split", "train", "--out",
            tmp.File("calib"),
            "--hidden", "8", "--depth", "1", "--epochs", "2", "--seed", "1", "--device", "cpu",
                "-q"); // a seed whose tiny fit beats the identity stage
        Assert.True(cal.Code == 0, cal.Err);
        Assert.Contains("calibrated on", cal.Out);
        foreach (var f in new[] { "calibration.json", "calibrator.bin",
            "history.csv" }) Assert.True(File.Exists(Path.Combine(tmp.File("calib"), f)), f);

        var plain = Run("score", "--model", tmp.File("m.ckpt"), "--data", toy.Set.Directory, "--split", "test", "--out", tmp.File("a.csv"),
            "--pdf", "--device", "cpu", "-q");
        var calibrated = Run("score", "--model", tmp.File("m.ckpt"), "--data", toy.Set.Directory, "--split", "test", "--out",
            tmp.File("b.csv"), "--pdf",
            "--calibration", tmp.File("calib"), "--device", "cpu", "-q");
        Assert.True(plain.Code == 0 && calibrated.Code == 0, plain.Err + calibrated.Err);
        var a = File.ReadAllLines(tmp.File("a.csv"));
        var b = File.ReadAllLines(tmp.File("b.csv"));
        Assert.Equal(a[0], b[0]);
        Assert.Equal(a.Length, b.Length);
        Assert.NotEqual(a[1], b[1]); // the PDFs were recalibrated
        foreach (var line in b.Skip(1))
        {
            double sum = line.Split(',').Skip(9).Take(400).Sum(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1.0, sum, 3);
        }
        var missing = Run("score", "--model", tmp.File("m.ckpt"), "--data", toy.Set.Directory, "--out", tmp.File("c.csv"), "--calibration",
            tmp.File("nowhere"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("nowhere", missing.Err);
    }
}
