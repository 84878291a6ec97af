using System.CommandLine;
using MantisShrimp.Host.Commands;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// Issue 20 item 4: the shared options (--model, --data, --split, --out, --threads, --device, --seed) come from one
/// factory each and reject bad values at parse time with a one-line error naming the option.
/// </summary>
public class SharedOptionTests
{
    private static readonly string[] Score = ["score", "--model", "/nonexistent/m.ckpt", "--data", "/nonexistent/shards"];

    private static string OneLineError(params string[] args)
    {
        var (code, output, err) = Cli.Run(args);
        Assert.Equal(1, code);
        Assert.DoesNotContain("Usage:", output);
        return Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void A_split_outside_train_val_test_is_a_parse_error_naming_it()
    {
        Assert.Equal("--split must be one of train, val, test (got 'tst')",
            OneLineError([.. Score, "--out", "/nonexistent/s.csv", "--split", "tst"]));
        Assert.Equal("--split must be one of train, val, test (got 'Test')",
            OneLineError("shapley", "--model", "/nonexistent/m.ckpt", "--data", "/nonexistent/shards", "--out", "/nonexistent/s.csv",
                "--split", "Test"));
    }

    [Fact]
    public void A_table_out_without_a_table_extension_is_a_parse_error_naming_it()
    {
        Assert.Equal("--out /nonexistent/s.txt: the file name must end in .csv, .parquet, .fits or .ecsv",
            OneLineError([.. Score, "--out", "/nonexistent/s.txt"]));
        Assert.Equal("--out /nonexistent/p.json: the file name must end in .csv, .parquet, .fits or .ecsv",
            OneLineError("predict", "--model", "/nonexistent/m.ckpt", "--ra", "10", "--dec", "1", "--out", "/nonexistent/p.json"));
    }

    [Fact]
    public void Device_and_path_options_name_themselves_in_errors()
    {
        Assert.Equal("--device must be one of auto, cpu, cuda (got 'gpu')",
            OneLineError([.. Score, "--out", "/nonexistent/s.csv", "--device", "gpu"]));
        Assert.Equal("--model needs a path (got an empty value)",
            OneLineError("score", "--model", "", "--data", "/nonexistent/shards", "--out", "/nonexistent/s.csv"));
        Assert.Equal("--data needs a path (got an empty value)",
            OneLineError("score", "--model", "/nonexistent/m.ckpt", "--data", " ", "--out", "/nonexistent/s.csv"));
    }

    [Theory]
    [InlineData("score")]
    [InlineData("train-tabular")]
    [InlineData("shapley")]
    [InlineData("predict")]
    public void Table_outputs_list_every_format_in_help(string command)
    {
        var (code, output, _) = Cli.Run(command, "--help");
        Assert.Equal(0, code);
        string line = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("--out ", StringComparison.Ordinal));
        Assert.Contains("CSV, Parquet, FITS or ECSV, by extension (.csv, .parquet, .fits, .ecsv)", line);
    }

    [Fact]
    public void The_factories_give_one_option_per_name()
    {
        var cmd = new Command("x") { SharedOptions.Model(), SharedOptions.Data(), SharedOptions.Split("Split.", "test"),
            SharedOptions.TableOut("Table") };
        var r = cmd.Parse(["--model", "m.ckpt", "--data", "d", "--out", "t.parquet"]);
        Assert.Empty(r.Errors);
        Assert.Equal("test", r.GetValue<string>("--split"));
        Assert.NotEmpty(cmd.Parse(["--data", "d", "--out", "t.csv"]).Errors); // --model is required
    }
}
