using System.CommandLine;
using MantisShrimp.Host.Commands;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// Issue 21, "Consistent command line": one name per concept across commands (former spellings parse but are hidden
/// from help), one default seed, help without doubled or machine-dependent defaults, bad values as one-line parse errors.
/// </summary>
public class ConsistentCliTests
{
    /// <summary>Every command (and bench subcommand) of the <c>mantis</c> CLI.</summary>
    public static readonly string[][] Commands =
    [
        ["ingest"], ["inspect"], ["photometry"], ["info"], ["demo"], ["bench", "pipeline"], ["bench", "shapley"], ["bench", "allreduce"],
        ["bench", "network"], ["simulate"], ["simulate-report"], ["train"], ["score"], ["evaluate"], ["train-tabular"], ["table4"],
        ["grid"], ["compile-catalog"], ["calibrate"], ["predict"], ["fetch"], ["serve"], ["shapley"], ["shapley-plot"],
        ["masked-images"], ["import-weights"], ["export-weights"], ["inspect-model"], ["import-calibration"],
    ];

    public static TheoryData<string> CommandNames() => [.. Commands.Select(c => string.Join(' ', c))];

    private static string Help(string command)
    {
        var (code, output, err) = Cli.Run([.. command.Split(' '), "--help"]);
        Assert.True(code == 0, $"{command} --help: exit {code}: {err}");
        return output;
    }

    /// <summary>The help line of an option (descriptions are not wrapped when the output is not a console).</summary>
    private static string? OptionLine(string help, string option) =>
        help.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(option + " ", StringComparison.Ordinal)
            || l.Contains(", " + option + " ", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Help_has_no_doubled_or_machine_dependent_defaults(string command)
    {
        string help = Help(command);
        foreach (var line in help.Split('\n'))
        {
            Assert.False(line.Contains("(default", StringComparison.Ordinal) && line.Contains("[default: ", StringComparison.Ordinal),
                $"{command}: doubled default in: {line.Trim()}");
        }
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 1) Assert.DoesNotContain("[default: " + home, help);
        if (OptionLine(help, "--threads") is { } threads)
        {
            Assert.Contains("(default: all cores)", threads);
            Assert.DoesNotContain("[default: ", threads);
        }
        if (OptionLine(help, "--seed") is { } seed) Assert.EndsWith($"[default: {SharedOptions.DefaultSeed}]", seed);
        if (OptionLine(help, "--device <auto|cpu|cuda>") is { } device) Assert.Contains("libtorch device", device);
        if (OptionLine(help, "--accelerator <cpu|cuda>") is { } accelerator) Assert.Contains("ILGPU accelerator", accelerator);
        foreach (var former in new[] { "--workers", "--galaxies ", "--samples", "--steps" }) Assert.DoesNotContain(former, help);
    }

    public static TheoryData<string, string, string, string[]> Renamed() => new()
    {
        { "score", "--threads", "--workers",
            ["--model", "/nonexistent/m.ckpt", "--data", "/nonexistent/shards", "--out", "/nonexistent/s.csv"] },
        { "bench pipeline", "--threads", "--workers", [] },
        { "bench pipeline", "--count", "--samples", [] },
        { "bench shapley", "--count", "--galaxies", ["--model", "/nonexistent/m.ckpt", "--data", "/nonexistent/shards"] },
        { "bench network", "--batches", "--steps", [] },
    };

    [Theory]
    [MemberData(nameof(Renamed))]
    public void Former_spellings_still_parse_but_are_hidden_from_help(string command, string canonical, string former, string[] required)
    {
        string help = Help(command);
        Assert.NotNull(OptionLine(help, canonical));
        Assert.Null(OptionLine(help, former));
        string[] cmd = command.Split(' ');
        // Both names are options of the command: a bad value is rejected under the name it was given.
        foreach (var name in new[] { canonical, former })
        {
            var (code, _, err) = Cli.Run([.. cmd, .. required, name, "0"]);
            Assert.Equal(1, code);
            Assert.Equal($"{name} must be at least 1 (got 0)", err.Trim());
        }
        // Both at once is an error, not a silent choice.
        var both = Cli.Run([.. cmd, .. required, canonical, "2", former, "2"]);
        Assert.Equal(1, both.Code);
        Assert.Contains($"give {canonical} once ({former} is its former name)", both.Err);
    }

    [Fact]
    public void A_former_name_maps_onto_the_same_value()
    {
        var threads = SharedOptions.Threads("Threads").FormerlyNamed("--workers");
        var cmd = new Command("x") { threads };
        Assert.Equal(3, threads.Get(cmd.Parse(["--workers", "3"])));
        Assert.Equal(5, threads.Get(cmd.Parse(["--threads", "5"])));
        Assert.Equal(0, threads.Get(cmd.Parse([]))); // left out: all cores
        Assert.Equal(Environment.ProcessorCount, SharedOptions.ThreadCount(threads.Get(cmd.Parse([]))));
        Assert.Equal(7, SharedOptions.ThreadCount(7));
    }

    public static TheoryData<string, string[]> ThreadCommands() => new()
    {
        { "ingest", ["--catalog", "/nonexistent/c.csv", "--cutouts", "/nonexistent", "--out", "/nonexistent/o"] },
        { "simulate", ["--count", "10", "--out", "/nonexistent/o"] },
        { "train", ["--data", "/nonexistent/shards", "--out", "/nonexistent/run"] },
        { "photometry", ["/nonexistent/shards"] },
        { "score", ["--model", "/nonexistent/m.ckpt", "--data", "/nonexistent/shards", "--out", "/nonexistent/s.csv"] },
        { "bench pipeline", [] },
    };

    [Theory]
    [MemberData(nameof(ThreadCommands))]
    public void Threads_zero_is_a_one_line_error_naming_the_option(string command, string[] required)
    {
        string[] cmd = command.Split(' ');
        var (code, output, err) = Cli.Run([.. cmd, .. required, "--threads", "0"]);
        Assert.Equal(1, code);
        Assert.Equal("--threads must be at least 1 (got 0)", err.Trim());
        Assert.DoesNotContain("Usage:", output); // no help dump after a parse error
        Assert.NotNull(OptionLine(Help(command), "--threads"));
    }

    [Theory]
    [InlineData("train", "--batch-size", "-3", "--data", "/nonexistent/shards", "--out", "/nonexistent/run")]
    [InlineData("score", "--tta", "0", "--model", "/nonexistent/m.ckpt", "--data", "/nonexistent/shards", "--out", "/nonexistent/s.csv")]
    [InlineData("shapley", "--batch-size", "0", "--model", "/nonexistent/m.ckpt", "--data", "/nonexistent/shards", "--out",
        "/nonexistent/s.csv")]
    [InlineData("evaluate", "--bootstrap", "-1", "--scores", "/nonexistent/s.csv", "--out", "/nonexistent/e")]
    [InlineData("calibrate", "--depth", "0", "--model", "/nonexistent/m.ckpt", "--data", "/nonexistent/shards", "--out", "/nonexistent/c")]
    [InlineData("masked-images", "--count", "0", "--data", "/nonexistent/shards", "--out", "/nonexistent/b")]
    public void Bad_values_are_parse_errors_not_clamped(string command, string option, string value, params string[] required)
    {
        var (code, _, err) = Cli.Run([command, .. required, option, value]);
        Assert.Equal(1, code);
        string line = Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith(option + " must be at least ", line);
        Assert.Contains($"(got {value})", line);
    }

    [Fact]
    public void Drop_path_outside_its_range_is_a_parse_error()
    {
        var (code, _, err) = Cli.Run("train", "--data", "/nonexistent/shards", "--out", "/nonexistent/run", "--drop-path", "1.5");
        Assert.Equal(1, code);
        Assert.Equal("--drop-path must be between 0 and 0.9 (got 1.5)", err.Trim());
    }

    [Theory]
    [InlineData("score", "--out")]
    [InlineData("train-tabular", "--out")]
    [InlineData("predict", "--out")]
    [InlineData("shapley", "--out")]
    [InlineData("evaluate", "--table")]
    [InlineData("evaluate", "--scores")]
    [InlineData("shapley-plot", "--input")]
    public void Table_options_name_the_four_formats(string command, string option)
    {
        string line = OptionLine(Help(command), option) ?? throw new Xunit.Sdk.XunitException($"{command} has no {option}");
        Assert.Contains("CSV, Parquet, FITS or ECSV", line);
        foreach (var ext in Engine.Inference.TableFile.Extensions) Assert.Contains(ext, line);
    }

    [Fact]
    public void Predict_help_lists_the_output_columns()
    {
        string line = OptionLine(Help("predict"), "--out")!;
        foreach (var column in Engine.Inference.PdfColumns.Leading.Concat(Engine.Forced.PredictRunner.Extra)) Assert.Contains(column, line);
        Assert.Contains("p_000 … p_399 with --pdf", line);
    }
}
