namespace MantisShrimp.Host.Tests;

/// <summary><c>--precision</c> is one option on score, predict and shapley: validated by the parser, fp32 by default.</summary>
public class PrecisionCliTests
{
    [Theory]
    [InlineData("score", "--model", "m.ckpt", "--data", "d", "--out", "s.csv")]
    [InlineData("predict", "--model", "m.ckpt", "--ra", "1", "--dec", "2", "--ebv", "0.01,0.01", "--out", "p.csv")]
    [InlineData("shapley", "--model", "m.ckpt", "--data", "d", "--out", "v.csv")]
    public void A_precision_other_than_fp32_or_bf16_is_a_usage_error_listing_the_choices(params string[] args)
    {
        var (code, _, err) = Cli.Run([.. args, "--precision", "fp16"]);
        Assert.Equal(1, code);
        Assert.Contains("'fp16' not recognized", err);
        Assert.Contains("'fp32'", err);
        Assert.Contains("'bf16'", err);
        var (_, help, _) = Cli.Run(args[0], "--help");
        Assert.Contains("--precision", help);
        Assert.Contains("fp32", help);
    }
}
