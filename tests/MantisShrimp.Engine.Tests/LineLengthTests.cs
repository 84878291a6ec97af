namespace MantisShrimp.Engine.Tests;

/// <summary>
/// No C# line in src/, tests/ or bench/ is longer than <see cref="MaxLength"/> characters (.editorconfig's
/// max_line_length). Files still being edited on other branches when the limit came in are listed in
/// <see cref="AllowListFile"/>; an entry that no longer needs to be there fails too, so the list only shrinks.
/// </summary>
public class LineLengthTests
{
    private const int MaxLength = 140;
    private const string AllowListFile = "tests/MantisShrimp.Engine.Tests/long-lines-allowed.txt";

    [Fact]
    public void No_source_line_is_longer_than_the_limit()
    {
        string root = RepositoryRoot();
        var allowed = File.ReadAllLines(Path.Combine(root, AllowListFile))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        var offenders = new List<string>();
        var longFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in SourceFiles(root))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                // Text elements, not UTF-16 units: a line of "×" or "σ" counts each as one character, as editors do.
                int length = new System.Globalization.StringInfo(lines[i]).LengthInTextElements;
                if (length <= MaxLength) continue;
                longFiles.Add(relative);
                if (!allowed.Contains(relative)) offenders.Add($"{relative}:{i + 1}: {length} characters");
            }
        }
        var stale = allowed.Where(f => !longFiles.Contains(f)).Order(StringComparer.Ordinal).ToList();
        Assert.True(offenders.Count == 0, $"Lines over {MaxLength} characters:\n{string.Join('\n', offenders)}");
        Assert.True(stale.Count == 0, $"{AllowListFile} lists files with no line over {MaxLength} characters " +
            $"(remove them):\n{string.Join('\n', stale)}");
    }

    private static IEnumerable<string> SourceFiles(string root) =>
        new[] { "src", "tests", "bench" }
            .Select(d => Path.Combine(root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MantisShrimp.sln"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (MantisShrimp.sln) not found above " + AppContext.BaseDirectory);
    }
}
