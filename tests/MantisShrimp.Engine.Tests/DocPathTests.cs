using System.Text.RegularExpressions;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// Every repository path the docs cite (src/…, tests/…, bench/…, native/… in README.md and docs/*.md) exists: a file
/// moved or renamed without its docs fails here (the assembly split left 16 such paths behind).
/// </summary>
public partial class DocPathTests
{
    [GeneratedRegex(@"\b(?:src|tests|bench|native)/[A-Za-z0-9_./+-]*[A-Za-z0-9_]")]
    private static partial Regex CitedPath();

    [Fact]
    public void Every_path_the_docs_cite_exists()
    {
        string root = RepositoryRoot();
        var docs = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        var missing = new List<string>();
        foreach (string doc in docs)
        {
            string[] lines = File.ReadAllLines(doc);
            for (int i = 0; i < lines.Length; i++)
                foreach (Match m in CitedPath().Matches(lines[i]))
                {
                    // A path written as a pattern (src/*/Foo.cs, OUT_{name}) is not a file name.
                    if (lines[i].AsSpan(m.Index + m.Length).StartsWith("*") || m.Value.Contains("..", StringComparison.Ordinal)) continue;
                    string path = Path.Combine(root, m.Value);
                    if (!File.Exists(path) && !Directory.Exists(path))
                        missing.Add($"{Path.GetRelativePath(root, doc)}:{i + 1}: {m.Value}");
                }
        }
        Assert.True(missing.Count == 0, $"Docs cite paths that are not in the repository:\n{string.Join('\n', missing)}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MantisShrimp.sln"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (MantisShrimp.sln) not found above " + AppContext.BaseDirectory);
    }
}
