using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Simulation;
using MantisShrimp.Engine.Tests;
using MantisShrimp.Engine.Training;
using Xunit.Abstractions;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// A small simulated sky for the fault tests: 120 galaxies (cutouts, catalog), their shards as an uninterrupted
/// in-process ingest writes them, an untrained model and a positions file of 10 galaxies of the test split.
/// </summary>
public sealed class FaultFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public FaultFixture()
    {
        Catalog = MockUniverse.Simulate(new SimulationOptions(120, 7, _dir.File("sim")) { DustNside = 64 });
        Cutouts = _dir.File("sim/cutouts");
        Ingest.Run(new IngestOptions(Catalog, Cutouts, Shards) { Chunks = 1, Seed = 1 });
        Model = TestModels.SaveUntrained(_dir.File("m.ckpt"), 5);
        var lines = new List<string> { "name,ra,dec" };
        using (var set = ShardSet.Open(Shards))
            foreach (var s in set.Shards.Where(s => s.Info.Split == Splits.Test))
                for (int i = 0; i < s.Count; i++)
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{s.Ids[i]},{s.Header(i).Ra:R},{s.Header(i).Dec:R}"));
        Positions = _dir.File("positions.csv");
        System.IO.File.WriteAllLines(Positions, lines.Take(11));
    }

    public string Catalog { get; }
    public string Cutouts { get; }
    public string Shards => _dir.File("shards");
    public string Model { get; }
    public string Positions { get; }
    public string File(string name) => _dir.File(name);

    /// <summary>Outputs of uninterrupted runs, made once and shared by the kill and disk-full tests of a command.</summary>
    public Dictionary<string, string> References { get; } = [];

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessFaultCollection
{
    /// <summary>Alone: the kill points are read off files the child writes, and two cores are shared with nothing else.</summary>
    public const string Name = "Process faults";
}

/// <summary>
/// The real <c>mantis</c> process under the faults an operator meets: <c>kill -9</c> at a point read off its progress files
/// (then a rerun must give the uninterrupted run's bytes, and no partial file ever appears at a final name), and a full
/// disk, made deterministic without root by a file-size limit (<c>ulimit -f</c>: writes past it fail with EFBIG, as
/// ENOSPC does when a disk fills; SIGXFSZ is ignored so the process sees the error instead of dying of it).
/// </summary>
[Collection(ProcessFaultCollection.Name)]
public class ProcessFaultTests(FaultFixture f, ITestOutputHelper log) : IClassFixture<FaultFixture>
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mantis.dll");

    /// <summary>Bounded waits guard against a hang; they assert nothing about speed.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static Process Start(IReadOnlyList<string> args, int? fileSizeLimitKb = null)
    {
        ProcessStartInfo psi;
        if (fileSizeLimitKb is { } kb)
        {
            // SIG_IGN survives exec; the runtime's W^X double mapping sizes a memfd past any small limit, so it is off.
            psi = new ProcessStartInfo("bash");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"trap '' XFSZ; ulimit -f {kb}; exec dotnet \"$@\"");
            psi.ArgumentList.Add("bash");
            psi.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }
        else psi = new ProcessStartInfo("dotnet");
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.Environment["OMP_NUM_THREADS"] = "1"; // libtorch's results depend on its thread count: one for every run
        var p = new Process { StartInfo = psi };
        var err = new StringBuilder();
        p.ErrorDataReceived += (_, e) => { lock (err) err.AppendLine(e.Data); };
        p.OutputDataReceived += (_, _) => { };
        p.Start();
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        Errors.Add(p, err);
        return p;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, StringBuilder> Errors = [];

    private static string ErrorText(Process p)
    {
        var sb = Errors.TryGetValue(p, out var e) ? e : new StringBuilder();
        lock (sb) return sb.ToString();
    }

    private static (int Code, string Err) Run(IReadOnlyList<string> args, int? fileSizeLimitKb = null)
    {
        using var p = Start(args, fileSizeLimitKb);
        if (!p.WaitForExit(Limit))
        {
            p.Kill(true);
            Assert.Fail($"mantis {string.Join(' ', args)} did not finish");
        }
        p.WaitForExit(); // drains the redirected output
        return (p.ExitCode, ErrorText(p));
    }

    private static void RunOk(IReadOnlyList<string> args)
    {
        var (code, err) = Run(args);
        Assert.True(code == 0, $"mantis {string.Join(' ', args)}: exit {code}\n{err}");
    }

    /// <summary>
    /// Starts the command, polls until <paramref name="reached"/> holds, then SIGKILLs it (Process.Kill is kill -9 on Unix).
    /// While it runs, none of <paramref name="finals"/> may exist (they appear whole, at the end, or not at all).
    /// </summary>
    private double KillWhen(IReadOnlyList<string> args, Func<bool> reached, params string[] finals)
    {
        var clock = Stopwatch.StartNew();
        using var p = Start(args);
        try
        {
            while (!reached())
            {
                foreach (var final in finals) Assert.False(File.Exists(final), $"{final} exists before the run finished");
                if (p.HasExited)
                    Assert.Fail($"mantis {args[0]} finished (exit {p.ExitCode}) before the kill point:\n{ErrorText(p)}");
                Assert.True(clock.Elapsed < Limit, $"mantis {args[0]} never reached the kill point");
                Thread.Sleep(5);
            }
            p.Kill();
            p.WaitForExit();
        }
        finally
        {
            if (!p.HasExited) p.Kill(true);
        }
        foreach (var final in finals) Assert.False(File.Exists(final), $"{final} exists after the kill");
        log.WriteLine($"{args[0]}: killed after {clock.Elapsed.TotalSeconds:F1} s");
        return clock.Elapsed.TotalSeconds;
    }

    private static int Lines(string path)
    {
        if (!File.Exists(path)) return 0;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        int n = 0, b;
        while ((b = fs.ReadByte()) >= 0) if (b == '\n') n++;
        return n;
    }

    /// <summary>Every non-hidden file under <paramref name="dir"/> (relative path → bytes); temp files of a killed run are
    /// hidden.</summary>
    private static SortedDictionary<string, byte[]> Tree(string dir) => new(
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(p => !Path.GetRelativePath(dir, p).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .ToDictionary(p => Path.GetRelativePath(dir, p), File.ReadAllBytes), StringComparer.Ordinal);

    private static void AssertSameTree(string expected, string actual)
    {
        var a = Tree(expected);
        var b = Tree(actual);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{name} differs from the uninterrupted run's");
    }

    private static string[] Temps(string dir) =>
        Directory.EnumerateFiles(dir, ".*.tmp", SearchOption.AllDirectories).ToArray();

    // ---- the commands, as the tests run them ----

    private string[] ScoreArgs(string output) =>
        ["score", "--model", f.Model, "--data", f.Shards, "--split", "test", "--pdf", "--out", output, "--device", "cpu", "--threads", "1",
            "-q"];

    private string[] IngestArgs(string output) =>
        ["ingest", "--catalog", f.Catalog, "--cutouts", f.Cutouts, "--out", output, "--chunks", "1", "--seed", "1", "--threads", "1", "-q"];

    private string[] TrainArgs(string output) =>
        ["train", "--data", f.Shards, "--backbone", "convnext-demo", "--head-width", "32", "--epochs", "2", "--batches-per-epoch", "3",
            "--batch-size", "4", "--threads", "1", "--seed", "3", "--device", "cpu", "--out", output, "-q"];

    private string[] ShapleyArgs(string output) =>
        ["shapley", "--model", f.Model, "--data", f.Shards, "--split", "test", "--count", "3", "--galaxies-per-batch", "1",
            "--accelerator", "cpu", "--device", "cpu", "--out", output, "-q"];

    private string[] PredictArgs(string output) =>
        ["predict", "--positions", f.Positions, "--cutouts", f.Cutouts, "--model", f.Model, "--ebv", "0.02,0.02", "--device", "cpu",
            "--out", output, "-q"];

    /// <summary>The uninterrupted run's output (made once per command).</summary>
    private string Reference(string command, Func<string, string[]> args, string name)
    {
        lock (f.References)
        {
            if (f.References.TryGetValue(command, out var done)) return done;
            string dir = f.File("ref-" + command);
            Directory.CreateDirectory(dir);
            string output = Path.Combine(dir, name);
            var clock = Stopwatch.StartNew();
            RunOk(args(output));
            log.WriteLine($"{command}: uninterrupted run {clock.Elapsed.TotalSeconds:F1} s");
            return f.References[command] = output;
        }
    }

    // ---- kill -9 ----

    [Fact]
    public void Ingest_killed_while_writing_shards_resumes_to_the_same_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDir();
        string output = tmp.File("shards");
        // 20 of the ~84 train, val and test records written: phase 2 under way, the manifest (written last) absent.
        KillWhen(IngestArgs(output), () => Lines(Path.Combine(output, Ingest.WorkDirectory, "written.log")) >= 20,
            Path.Combine(output, Ingest.ManifestFile));
        RunOk(IngestArgs(output));
        Assert.False(Directory.Exists(Path.Combine(output, Ingest.WorkDirectory)));
        AssertSameTree(f.Shards, output); // the fixture's in-process, uninterrupted ingest with the same catalog, seed and chunks
    }

    [Fact]
    public void Score_killed_while_writing_leaves_no_output_and_reruns_to_the_same_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        string reference = Reference("score", ScoreArgs, "scores.csv");
        using var tmp = new TempDir();
        string output = tmp.File("scores.csv");
        // The hidden temp is opened before the first batch goes through the network and rows stream into it: killed then.
        KillWhen(ScoreArgs(output), () => Temps(tmp.Path).Length > 0, output);
        RunOk(ScoreArgs(output));
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(output));
    }

    [Fact]
    public void Shapley_killed_after_one_galaxy_resumes_to_the_same_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        string reference = Reference("shapley", ShapleyArgs, "shapley.csv");
        using var tmp = new TempDir();
        string output = tmp.File("shapley.csv");
        // The journal's first line is the run's settings, then one line per finished galaxy.
        KillWhen(ShapleyArgs(output), () => Lines(output + ".journal") >= 2, output);
        RunOk(ShapleyArgs(output));
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(output));
        Assert.False(File.Exists(output + ".journal"));
    }

    [Fact]
    public void Predict_killed_after_three_positions_resumes_to_the_same_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        string reference = Reference("predict", PredictArgs, "forced.csv");
        using var tmp = new TempDir();
        string output = tmp.File("forced.csv");
        KillWhen(PredictArgs(output), () => Lines(output + ".journal") >= 4, output); // settings + 3 of the 10 positions
        RunOk(PredictArgs(output));
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(output));
    }

    [Fact]
    public void Train_killed_after_its_first_checkpoint_resumes_to_the_same_weights()
    {
        if (!OperatingSystem.IsLinux()) return;
        string reference = Reference("train", TrainArgs, "run");
        using var tmp = new TempDir();
        string run = tmp.File("run");
        string last = Path.Combine(run, Trainer.LastCheckpoint);
        KillWhen(TrainArgs(run), () => File.Exists(last));
        Checkpoint.Validate(last); // whole whenever it exists
        Assert.Equal(1, Checkpoint.ReadState(last).Epoch);
        RunOk(TrainArgs(run));
        AssertSameRun(reference, run);
    }

    /// <summary>
    /// Two training runs agree: the checkpoints' weights and optimizer state byte for byte, their state and history but
    /// for the epochs' wall-clock seconds (and the zip entries' timestamps, which are the time of writing).
    /// </summary>
    private static void AssertSameRun(string expected, string actual)
    {
        foreach (var name in new[] { Trainer.LastCheckpoint, Trainer.BestCheckpoint })
        {
            using var a = ZipFile.OpenRead(Path.Combine(expected, name));
            using var b = ZipFile.OpenRead(Path.Combine(actual, name));
            Assert.Equal(a.Entries.Select(e => e.FullName), b.Entries.Select(e => e.FullName));
            foreach (var e in a.Entries)
            {
                byte[] x = Bytes(e), y = Bytes(b.GetEntry(e.FullName)!);
                if (e.FullName == "state.json") Assert.Equal(WithoutSeconds(x), WithoutSeconds(y));
                else Assert.True(x.AsSpan().SequenceEqual(y), $"{name}: {e.FullName} differs from the uninterrupted run's");
            }
        }
        static string History(string run) => string.Join('\n', File.ReadAllLines(Path.Combine(run, Trainer.HistoryFile))
            .Select(l => string.Join(',', l.Split(',').Where((_, i) => i != SecondsColumn(run)))));
        Assert.Equal(History(expected), History(actual));
    }

    private static int SecondsColumn(string run) =>
        Array.IndexOf(File.ReadLines(Path.Combine(run, Trainer.HistoryFile)).First().Split(','), "seconds");

    private static byte[] Bytes(ZipArchiveEntry e)
    {
        using var s = e.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static string WithoutSeconds(byte[] json)
    {
        var node = JsonNode.Parse(json)!;
        foreach (var row in node["History"]!.AsArray()) row!.AsObject().Remove("seconds");
        return node.ToJsonString();
    }

    // ---- a full disk ----

    /// <summary>What every disk-full case asserts of the failed run: a user error naming the file and the cause, no temp left.</summary>
    private static void AssertDiskFull((int Code, string Err) r, string file, string dir)
    {
        Assert.True(r.Code == 1, $"exit {r.Code}, expected 1 (a user error):\n{r.Err}");
        Assert.Contains(file + ": not written, file too large", r.Err);
        Assert.DoesNotContain("   at ", r.Err); // a message, not a stack trace
        Assert.Empty(Temps(dir));
    }

    [Fact]
    public void Score_on_a_full_disk_fails_naming_the_file_and_keeps_the_previous_output()
    {
        if (!OperatingSystem.IsLinux()) return;
        string reference = Reference("score", ScoreArgs, "scores.csv");
        Assert.True(new FileInfo(reference).Length > 64 << 10, "the output must exceed the limit below");
        using var tmp = new TempDir();
        string output = tmp.File("scores.csv");
        File.WriteAllText(output, "previous\n");
        AssertDiskFull(Run(ScoreArgs(output), fileSizeLimitKb: 64), output, tmp.Path);
        Assert.Equal("previous\n", File.ReadAllText(output));
        RunOk(ScoreArgs(output));
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(output));
    }

    [Fact]
    public void Train_on_a_full_disk_fails_at_its_checkpoint_and_then_resumes_to_the_same_weights()
    {
        if (!OperatingSystem.IsLinux()) return;
        string reference = Reference("train", TrainArgs, "run");
        long checkpoint = new FileInfo(Path.Combine(reference, Trainer.LastCheckpoint)).Length;
        using var tmp = new TempDir();
        string run = tmp.File("run");
        int limitKb = (int)(checkpoint / 2 / 1024); // room for history.csv, not for a checkpoint
        AssertDiskFull(Run(TrainArgs(run), limitKb), Path.Combine(run, Trainer.LastCheckpoint), tmp.Path);
        Assert.False(File.Exists(Path.Combine(run, Trainer.LastCheckpoint)));
        Assert.False(File.Exists(Path.Combine(run, Trainer.BestCheckpoint)));
        RunOk(TrainArgs(run));
        AssertSameRun(reference, run);
    }

    [Fact]
    public void Ingest_on_a_full_disk_fails_naming_the_file_and_then_resumes_to_the_same_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDir();
        string output = tmp.File("shards");
        string train = Path.Combine(output, DatasetSplit.ShardFileName(0, Splits.Train));
        long shard = new FileInfo(Path.Combine(f.Shards, DatasetSplit.ShardFileName(0, Splits.Train))).Length;
        var r = Run(IngestArgs(output), fileSizeLimitKb: (int)(shard / 2 / 1024));
        Assert.True(r.Code == 1, $"exit {r.Code}, expected 1:\n{r.Err}");
        // The first file to outgrow the limit is the verdict pass's record spool (as large as all shards) or a shard.
        string spool = Path.Combine(output, ".ingest", "records.spool");
        Assert.True(r.Err.Contains(spool + ": not written, file too large", StringComparison.Ordinal)
            || r.Err.Contains(train + ": not written, file too large", StringComparison.Ordinal), r.Err);
        Assert.Contains("re-run the same command to resume", r.Err);
        Assert.False(File.Exists(Path.Combine(output, Ingest.ManifestFile)));
        Assert.Empty(Temps(tmp.Path));
        RunOk(IngestArgs(output));
        AssertSameTree(f.Shards, output);
    }
}
