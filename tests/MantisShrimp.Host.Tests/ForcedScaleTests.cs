using System.Diagnostics;
using System.Globalization;
using MantisShrimp.Engine.Simulation;
using MantisShrimp.Engine.Tests;
using Xunit.Abstractions;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// predict --positions at catalogue scale, end to end in the real process: 100 000 positions (MANTIS_SCALE_POSITIONS
/// overrides) over a folder of simulated cutouts, killed with SIGKILL part-way and resumed. Disk is limited (one galaxy's 7
/// files are ≈ 630 KB), so a pool of 240 rendered galaxies is revisited under unique names: the FITS reads, checks and
/// network work are per position, the file-system cache is warmer than for 100 000 distinct galaxies. Figures (RSS,
/// positions/s) are printed as <c>scale:</c> lines, not asserted beyond a memory bound: the machine is shared.
/// </summary>
[Collection(ForcedScaleCollection.Name)]
public class ForcedScaleTests(ITestOutputHelper log)
{
    private const int Pool = 240;
    private const long RssBound = 2L << 30; // a leak over 100 000 positions (≈ 0.6 MB of pixels each) would pass it many times over

    [Fact]
    public void A_hundred_thousand_positions_killed_and_resumed_give_every_row_once_in_order()
    {
        if (!OperatingSystem.IsLinux()) return;
        int positions = int.TryParse(Environment.GetEnvironmentVariable("MANTIS_SCALE_POSITIONS"), out var n) && n > 0 ? n : 100_000;
        using var tmp = new TempDir();
        var watch = Stopwatch.StartNew();
        string catalog = MockUniverse.Simulate(new SimulationOptions(Pool, 17, tmp.File("sim")) { DustNside = 32 });
        log.WriteLine($"scale: simulated {Pool} galaxies in {watch.Elapsed.TotalSeconds:F1} s");
        var pool = File.ReadLines(catalog).Skip(1).Select(l => l.Split(',')).Select(f => (Ra: f[1], Dec: f[2])).ToList();
        string model = TestModels.SaveUntrained(tmp.File("m.ckpt"), 4);
        string pos = tmp.File("pos.csv");
        using (var w = new StreamWriter(pos))
        {
            w.Write("name,ra,dec\n");
            for (int i = 0; i < positions; i++) w.Write($"src{i:0000000},{pool[i % pool.Count].Ra},{pool[i % pool.Count].Dec}\n");
        }
        string output = tmp.File("forced.csv"), journal = output + ".journal";
        string[] args = ["predict", "--model", model, "--positions", pos, "--cutouts", tmp.File("sim/cutouts"), "--cache",
            tmp.File("cache"),
            "--ebv", "0.02,0.02", "--out", output, "--allow-nan", "--device", "cpu", "-q"]; // --allow-nan: every pool galaxy is predicted

        // First run: killed (SIGKILL) once about 40% is journalled.
        var first = RunWatched(args, journal, (int)(positions * 0.4));
        Assert.True(first.Killed, "predict ended before it could be killed: " + first.Err);
        int journalled = File.ReadLines(journal).Count() - 1;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: killed after {journalled} of {positions} positions, {first.Seconds:F1} s (index included), peak RSS " +
                $"{first.PeakRss / 1048576.0:F0} MiB"));
        Assert.InRange(journalled, 1, positions - 1);

        var second = RunWatched(args, journal, int.MaxValue);
        Assert.True(second.Code == 0, second.Err);
        double rate = (positions - journalled) / second.Seconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: resumed {positions - journalled} positions in {second.Seconds:F1} s ({rate:F0} positions/s, start-up included), " +
                $"peak RSS {second.PeakRss / 1048576.0:F0} MiB"));

        // Every position exactly once, in input order.
        int row = 0;
        using (var reader = new StreamReader(output))
        {
            Assert.StartsWith("id,", reader.ReadLine());
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                Assert.Equal($"src{row:0000000}", line[..line.IndexOf(',')]);
                row++;
            }
        }
        Assert.Equal(positions, row);
        Assert.False(File.Exists(journal));
        Assert.False(File.Exists(output + ".failures.csv"));
        Assert.True(Math.Max(first.PeakRss, second.PeakRss) < RssBound, $"peak RSS {Math.Max(first.PeakRss, second.PeakRss)} bytes");
    }

    /// <summary>Runs mantis, sampling its RSS; kills it (SIGKILL) once the journal holds <paramref name="killAfter"/> entries.</summary>
    private static (int Code, bool Killed, double Seconds, long PeakRss, string Err) RunWatched(string[] args, string journal,
        int killAfter)
    {
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(PredictFiles.Mantis(args))!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        long peak = 0;
        bool killed = false;
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(30); // a hang guard, not a timing
        while (!p.HasExited && DateTime.UtcNow < until)
        {
            peak = Math.Max(peak, Rss(p.Id));
            if (killAfter < int.MaxValue && Journalled(journal) >= killAfter)
            {
                using (var kill = Process.Start("kill", ["-9", p.Id.ToString(CultureInfo.InvariantCulture)])!) kill.WaitForExit();
                killed = true;
                break;
            }
            Thread.Sleep(200);
        }
        if (!p.HasExited && !killed) p.Kill();
        p.WaitForExit();
        return (p.ExitCode, killed, watch.Elapsed.TotalSeconds, peak, err.Result);
    }

    /// <summary>Journal lines so far, counted by newlines (the file grows while it is read).</summary>
    private static int Journalled(string path)
    {
        if (!File.Exists(path)) return 0;
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[1 << 16];
        int lines = 0, read;
        while ((read = s.Read(buffer)) > 0) lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return Math.Max(0, lines - 1);
    }

    /// <summary>Resident set size from /proc (VmRSS), 0 when the process is gone.</summary>
    private static long Rss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        return 0;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ForcedScaleCollection
{
    public const string Name = "ForcedScale";
}
