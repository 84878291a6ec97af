using System.Diagnostics;
using System.Globalization;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Tests;
using MantisShrimp.Engine.Training;
using static TorchSharp.torch;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// Runs the real program under <c>mpiexec -n 2</c> (MPICH, installed by build.sh) and compares with one process.
/// Every process uses one libtorch thread, so the comparison is not disturbed by a busy machine.
/// </summary>
[Collection("Mpi")]
public class MpiTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mantis.dll");

    private static string Mpiexec() =>
        new[] { "/usr/bin/mpiexec.mpich", "/usr/bin/mpiexec" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mpiexec not found: build.sh installs MPICH (apt-get install mpich)");

    /// <summary>Runs mantis in <paramref name="ranks"/> processes (1: no MPI launcher); returns (exit code, stderr).</summary>
    private static (int Code, string Err) Mantis(int ranks, params string[] args)
    {
        var psi = new ProcessStartInfo(ranks > 1 ? Mpiexec() : "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        if (ranks > 1)
        {
            psi.ArgumentList.Add("-n");
            psi.ArgumentList.Add(ranks.ToString(CultureInfo.InvariantCulture));
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); throw new TimeoutException($"mantis {string.Join(' ', args)} ran " +
            $"over 5 minutes"); }
        return (p.ExitCode, err.Result);
    }

    private static string Checkpoint(TempDir tmp) => TestModels.SaveUntrained(tmp.File("m.ckpt"), 2);

    [Fact]
    public void Two_ranks_with_batch_b_train_like_one_process_with_batch_2b()
    {
        using var tmp = new TempDir();
        string[] common = ["train", "--data", toy.Set.Directory, "--backbone", "convnext-demo", "--head-width", "32", "--drop-path", "0",
            "--epochs", "2", "--batches-per-epoch", "3", "--lr", "1e-3", "--seed", "7", "--threads", "1", "--device", "cpu", "-q"];
        var single = Mantis(1, [.. common, "--batch-size", "8", "--out", tmp.File("one")]);
        Assert.True(single.Code == 0, single.Err);
        var dist = Mantis(2, [.. common, "--batch-size", "4", "--distributed", "--out", tmp.File("two")]);
        Assert.True(dist.Code == 0, dist.Err);

        var h1 = File.ReadAllLines(Path.Combine(tmp.File("one"), Trainer.HistoryFile)).Skip(1).Select(l =>
            double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var h2 = File.ReadAllLines(Path.Combine(tmp.File("two"), Trainer.HistoryFile)).Skip(1).Select(l =>
            double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, h2.Length);
        for (int e = 0; e < h1.Length; e++) Assert.True(Math.Abs(h1[e] - h2[e]) < 1e-5 * Math.Abs(h1[e]),
            $"epoch {e + 1} train loss {h1[e]} vs {h2[e]}");
        var (_, a) = Engine.Models.Checkpoint.Load(Path.Combine(tmp.File("one"), Trainer.LastCheckpoint));
        var (_, b) = Engine.Models.Checkpoint.Load(Path.Combine(tmp.File("two"), Trainer.LastCheckpoint));
        var wb = b.state_dict();
        double worst = 0;
        foreach (var (key, t) in a.state_dict())
            worst = Math.Max(worst, (t.to(ScalarType.Float64) - wb[key].to(ScalarType.Float64)).abs().max().item<double>());
        Assert.True(worst < 1e-4, $"largest weight difference {worst}"); // 6 NAdam steps at lr 1e-3: float rounding only
        a.Dispose(); b.Dispose();

        // Under mpiexec, train without --distributed is refused (every rank would overwrite the same run).
        var refused = Mantis(2, [.. common, "--batch-size", "4", "--out", tmp.File("three")]);
        Assert.Equal(1, refused.Code);
        Assert.Contains("--distributed", refused.Err);
    }

    [Fact]
    public void Sharded_scoring_equals_one_process_in_rows_order_and_values()
    {
        using var tmp = new TempDir();
        string ckpt = Checkpoint(tmp);
        string[] common = ["score", "--model", ckpt, "--data", toy.Set.Directory, "--split", "train", "--pdf", "--device", "cpu", "-q"];
        Assert.Equal(0, Mantis(1, [.. common, "--out", tmp.File("one.csv")]).Code);
        var dist = Mantis(2, [.. common, "--out", tmp.File("two.csv")]);
        Assert.True(dist.Code == 0, dist.Err);
        var a = File.ReadAllLines(tmp.File("one.csv"));
        var b = File.ReadAllLines(tmp.File("two.csv"));
        Assert.Equal(a.Length, b.Length);
        Assert.Equal(a[0], b[0]);
        Assert.Empty(Directory.GetFiles(tmp.Path, "two.csv.part*"));
        for (int i = 1; i < a.Length; i++)
        {
            var x = a[i].Split(',');
            var y = b[i].Split(',');
            Assert.Equal(x[0], y[0]);
            for (int c = 1; c < x.Length; c++)
                if (double.TryParse(x[c], CultureInfo.InvariantCulture,
                    out var u)) Assert.True(Math.Abs(u - double.Parse(y[c], CultureInfo.InvariantCulture)) <= 1e-5, $"row {i} column {c}");
        }
    }

    [Fact]
    public void A_killed_shapley_job_resumes_and_matches_one_process()
    {
        using var tmp = new TempDir();
        string ckpt = Checkpoint(tmp);
        string[] common = ["shapley", "--model", ckpt, "--data", toy.Set.Directory, "--split", "train", "--count", "12",
            "--galaxies-per-batch", "1",
            "--seed", "5", "--device", "cpu", "-q"];
        Assert.Equal(0, Mantis(1, [.. common, "--out", tmp.File("one.csv")]).Code);

        // Start the 2-rank job and kill every process once both ranks have journalled a galaxy.
        var psi = new ProcessStartInfo(Mpiexec()) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-n", "2", "dotnet", Dll }.Concat(common).Concat(["--out", tmp.File("two.csv")])) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using (var job = Process.Start(psi)!)
        {
            string j0 = tmp.File("two.csv.part0-of-2.parquet.journal"), j1 = tmp.File("two.csv.part1-of-2.parquet.journal");
            var clock = Stopwatch.StartNew();
            while (!(Lines(j0) >= 2 && Lines(j1) >= 2) && !job.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(50);
            Assert.False(job.HasExited, "the job finished before it could be killed; give it more work");
            job.Kill(entireProcessTree: true);
            job.WaitForExit();
        }
        Assert.False(File.Exists(tmp.File("two.csv")));
        int journalled = Lines(tmp.File("two.csv.part0-of-2.parquet.journal")) + Lines(tmp.File("two.csv.part1-of-2.parquet.journal")) - 2;
        Assert.InRange(journalled, 2, 11);

        var rerun = Mantis(2, [.. common, "--out", tmp.File("two.csv")]);
        Assert.True(rerun.Code == 0, rerun.Err);
        var a1 = File.ReadAllLines(tmp.File("one.csv"));
        var b1 = File.ReadAllLines(tmp.File("two.csv"));
        Assert.Equal(a1.Length, b1.Length);
        Assert.Equal(13, b1.Length);
        Assert.Empty(Directory.GetFiles(tmp.Path, "two.csv.part*"));
        for (int i = 1; i < a1.Length; i++)
        {
            var x = a1[i].Split(',');
            var y = b1[i].Split(',');
            Assert.Equal(x[0], y[0]);
            for (int c = 2; c < 22; c++) Assert.True(Math.Abs(double.Parse(x[c], CultureInfo.InvariantCulture) - double.Parse(y[c],
                CultureInfo.InvariantCulture)) <= 1e-5, $"row {i} column {c}");
        }
    }

    [Fact]
    public void Sharded_predict_equals_one_process()
    {
        using var tmp = new TempDir();
        string ckpt = Checkpoint(tmp);
        var shard = toy.Set.Shards[0];
        var rows = Enumerable.Range(0, Math.Min(10, shard.Count)).Select(i =>
            $"{shard.Ids[i]},{shard.Header(i).Ra.ToString("R", CultureInfo.InvariantCulture)}," +
                $"{shard.Header(i).Dec.ToString("R", CultureInfo.InvariantCulture)}");
        File.WriteAllLines(tmp.File("pos.csv"), ["name,ra,dec", .. rows]);
        string cutouts = Path.Combine(Path.GetDirectoryName(toy.Set.Directory)!, "data", "cutouts");
        string[] common = ["predict", "--model", ckpt, "--positions", tmp.File("pos.csv"), "--cutouts", cutouts, "--cache",
            tmp.File("cache"), "--ebv", "0.03,0.04", "--device", "cpu", "-q"];
        var one = Mantis(1, [.. common, "--out", tmp.File("one.csv")]);
        Assert.True(one.Code == 0, one.Err);
        var two = Mantis(2, [.. common, "--out", tmp.File("two.csv")]);
        Assert.True(two.Code == 0, two.Err);
        var a = File.ReadAllLines(tmp.File("one.csv"));
        var b = File.ReadAllLines(tmp.File("two.csv"));
        Assert.Equal(11, b.Length);
        Assert.Equal(a[0], b[0]);
        for (int i = 1; i < a.Length; i++)
        {
            var x = a[i].Split(',');
            var y = b[i].Split(',');
            Assert.Equal(x[0], y[0]); // same rows, same order
            for (int c = 2; c < x.Length; c++)
                Assert.True(Math.Abs(double.Parse(x[c], CultureInfo.InvariantCulture) - double.Parse(y[c],
                    CultureInfo.InvariantCulture)) <= 1e-5, $"row {i} column {c}"); // batch composition moves last bits
        }
        Assert.Empty(Directory.GetFiles(tmp.Path, "two.csv.part*"));
    }

    private static int Lines(string path)
    {
        if (!File.Exists(path)) return 0;
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var r = new StreamReader(s);
        return r.ReadToEnd().Count(c => c == '\n');
    }
}

[CollectionDefinition("Mpi", DisableParallelization = true)]
public sealed class MpiCollection;
