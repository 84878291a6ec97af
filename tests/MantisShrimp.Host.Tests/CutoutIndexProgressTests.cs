using System.Collections.Concurrent;
using System.CommandLine;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Cutouts;
using MantisShrimp.Engine.Tests;
using MantisShrimp.Host.Commands;

namespace MantisShrimp.Host.Tests;

/// <summary>Issue 21: <c>predict --cutouts DIR</c> shows progress while it indexes the folder (a first index reads every header).</summary>
public class CutoutIndexProgressTests
{
    private sealed class Recorder : IProgressReporter
    {
        public readonly ConcurrentQueue<(string Label, long Total)> Started = new();
        public long Advanced;

        public IProgressTask Start(string label, long total)
        {
            Started.Enqueue((label, total));
            return new Task(this);
        }

        public void Message(string text) { }

        private sealed class Task(Recorder owner) : IProgressTask
        {
            public void Advance(long units = 1) => Interlocked.Add(ref owner.Advanced, units);
            public void Dispose() { }
        }
    }

    private static TempDir Folder()
    {
        var tmp = new TempDir();
        Directory.CreateDirectory(tmp.File("cutouts"));
        // Three files in reference naming (not valid FITS: skipped, but indexed all the same) and two that are not cutouts.
        foreach (var name in new[] { "a.g.fits", "a.r.fits", "b.Unwise.fits", "other.fits", "notes.txt" })
            File.WriteAllText(Path.Combine(tmp.File("cutouts"), name), "not a FITS file");
        return tmp;
    }

    [Fact]
    public void The_local_index_reports_one_unit_per_cutout_file()
    {
        using var tmp = Folder();
        var progress = new Recorder();
        var source = new LocalCutoutSource(tmp.File("cutouts"), tmp.File("index.tsv"), progress);
        var (label, total) = Assert.Single(progress.Started);
        Assert.StartsWith("indexing ", label);
        Assert.Equal(3, total);
        Assert.Equal(3, progress.Advanced);
        Assert.Equal(3, source.Skipped.Count);
    }

    [Fact]
    public void Predict_and_serve_pass_their_progress_to_the_index()
    {
        using var tmp = Folder();
        var sources = new SourceOptions();
        var cmd = new Command("predict");
        sources.AddTo(cmd);
        var progress = new Recorder();
        var (source, http) = sources.Build(cmd.Parse(["--cutouts", tmp.File("cutouts"), "--cache", tmp.File("cache")]), TextWriter.Null,
            progress);
        Assert.Null(http);
        Assert.IsType<LocalCutoutSource>(source);
        Assert.Equal(3, Assert.Single(progress.Started).Total);
        Assert.Equal(3, progress.Advanced);
    }
}
