using MantisShrimp.Engine.Tests;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// Issue 20, names that mean one thing: the tabular model's command <c>baseline</c> is <c>train-tabular</c> and the
/// masked-image figure's <c>baselines</c> is <c>masked-images</c>. The former spellings still run (read as the new ones
/// before parsing) and help lists only the new names.
/// </summary>
public class RenamedCommandTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    public static TheoryData<string, string> Renamed() => new()
    {
        { "train-tabular", "baseline" },
        { "masked-images", "baselines" },
    };

    /// <summary>The command names of a help text's "Commands:" section (first word of each entry).</summary>
    private static string[] CommandNames(string help) =>
        [.. help.Split('\n').SkipWhile(l => l.Trim() != "Commands:").Skip(1).TakeWhile(l => l.Trim().Length > 0)
            .Select(l => l.Trim().Split(' ')[0])];

    private static string Help(params string[] args)
    {
        var (code, output, err) = Cli.Run([.. args, "--help"]);
        Assert.True(code == 0, $"{string.Join(' ', args)} --help: exit {code}: {err}");
        return output;
    }

    [Fact]
    public void Help_lists_the_new_names_only()
    {
        var names = CommandNames(Help());
        Assert.Contains("train", names); // the parser of the section found the command list
        Assert.Equal(new Dictionary<string, string> { ["baseline"] = "train-tabular", ["baselines"] = "masked-images" },
            Program.FormerCommandNames);
        foreach (var (former, canonical) in Program.FormerCommandNames)
        {
            Assert.Contains(canonical, names);
            Assert.DoesNotContain(former, names);
            Assert.DoesNotContain(names, n => n.Contains(former, StringComparison.Ordinal)); // not as an alias ("x, baseline") either
        }
    }

    [Theory]
    [MemberData(nameof(Renamed))]
    public void A_former_name_shows_the_help_of_the_new_one(string canonical, string former)
    {
        string help = Help(former);
        Assert.Equal(Help(canonical), help);
        Assert.Contains($" {canonical} [options]", help); // the usage line names the new command
        Assert.Contains("--out", help);
    }

    [Fact]
    public void The_former_masked_images_name_writes_the_same_files()
    {
        using var tmp = new TempDir();
        foreach (var name in new[] { "masked-images", "baselines" })
        {
            var r = Cli.Run(name, "--data", toy.Set.Directory, "--split", "train", "--count", "2", "--seed", "4", "--out", tmp.File(name));
            Assert.True(r.Code == 0, $"{name}: {r.Err}");
        }
        string[] Files(string dir) => [.. Directory.GetFiles(tmp.File(dir)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        var files = Files("masked-images");
        Assert.Equal(3, files.Length); // 2 PNGs and the summary CSV
        Assert.Equal(files, Files("baselines"));
        byte[] Bytes(string dir, string file) => File.ReadAllBytes(Path.Combine(tmp.File(dir), file));
        foreach (var f in files) Assert.Equal(Bytes("masked-images", f), Bytes("baselines", f));
    }

    [Fact]
    public void The_former_tabular_name_trains_and_scores_the_same()
    {
        using var tmp = new TempDir();
        foreach (var name in new[] { "train-tabular", "baseline" })
        {
            var r = Cli.Run(name, "--data", toy.Set.Directory, "--split", "test", "--seed", "3", "--out", tmp.File(name + ".csv"), "-q");
            Assert.True(r.Code == 0, $"{name}: {r.Err}");
            Assert.Contains("scored", r.Out);
        }
        var scores = File.ReadAllBytes(tmp.File("train-tabular.csv"));
        Assert.True(File.ReadAllLines(tmp.File("train-tabular.csv")).Length > 1, "no scored rows");
        Assert.Equal(scores, File.ReadAllBytes(tmp.File("baseline.csv")));
    }
}
