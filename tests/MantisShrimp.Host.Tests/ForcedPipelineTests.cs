using System.Diagnostics;
using System.Globalization;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Tests;
using Xunit.Abstractions;

namespace MantisShrimp.Host.Tests;

/// <summary>Helpers shared by the streaming-predict tests: CSV rows by id, reference-named files, the real mantis process.</summary>
internal static class PredictFiles
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mantis.dll");

    public static string G(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static (string[] Header, List<string[]> Rows) Read(string csv)
    {
        var lines = File.ReadAllLines(csv);
        return (lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',')).ToList());
    }

    public static Dictionary<string, string[]> ById(string csv) => Read(csv).Rows.ToDictionary(r => r[0]);

    public static double[] Pdf(string[] header, string[] row) =>
        Enumerable.Range(0, Engine.RedshiftGrid.Classes).Select(k =>
            double.Parse(row[Array.IndexOf(header, $"p_{k:000}")], CultureInfo.InvariantCulture)).ToArray();

    public static string Field(string[] header, string[] row, string column) => row[Array.IndexOf(header, column)];

    /// <summary>Copies one galaxy's 7 reference-named files, except those whose suffix is in <paramref name="leaveOut"/>.</summary>
    public static void CopyGalaxy(string from, string to, string id, params string[] leaveOut)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, id + ".*.fits"))
        {
            string suffix = Path.GetFileName(file)[(id.Length + 1)..];
            if (!leaveOut.Contains(suffix)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>Rewrites a FITS image with its pixels changed (header cards kept).</summary>
    public static void Rewrite(string path, Action<float[]> change)
    {
        var image = FitsFile.ReadFirstImage(path);
        var data = (float[])image.Data.Clone();
        change(data);
        FitsWriter.WriteFile(path, w => w.WriteImage(data, image.Width, image.Height, image.Planes, image.Header.Cards));
    }

    public static ProcessStartInfo Mantis(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        return psi;
    }
}

/// <summary>predict --positions as a stream: equal to score, missing surveys, the NaN rule, kill -9 and resume.</summary>
public class ForcedPipelineTests(ForcedFixture f, ITestOutputHelper log) : IClassFixture<ForcedFixture>
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    private static string G(double v) => PredictFiles.G(v);

    [Fact]
    public void Predict_from_fits_equals_score_from_shards_for_every_galaxy_in_input_order()
    {
        using var tmp = new TempDir();
        // Every accepted galaxy, in reverse shard order (the output must follow the positions file, not the shards).
        var galaxies = f.Accepted.AsEnumerable().Reverse().ToList();
        File.WriteAllText(tmp.File("pos.csv"), "name,ra,dec\n" + string.Concat(galaxies.Select(g => $"{g.Id},{G(g.Ra)},{G(g.Dec)}\n")));
        // Batches of 3: full ones and a partial last one; 2 threads.
        var predict = Run("predict", "--model", f.Model, "--positions", tmp.File("pos.csv"), "--cutouts", f.Cutouts, "--cache",
            tmp.File("cache"),
            "--dust", f.Dust, "--out", tmp.File("p.csv"), "--pdf", "--threads", "2", "--batch-size", "3", "--device", "cpu", "-q");
        Assert.True(predict.Code == 0, predict.Err);
        var (ph, prows) = PredictFiles.Read(tmp.File("p.csv"));
        Assert.Equal(galaxies.Select(g => g.Id), prows.Select(r => r[0]));
        double worst = 0;
        foreach (var split in galaxies.Select(g => g.Split).Distinct())
        {
            var score = Run("score", "--model", f.Model, "--data", f.Shards, "--split", split, "--out", tmp.File($"s-{split}.csv"), "--pdf",
                "--device", "cpu", "-q");
            Assert.True(score.Code == 0, score.Err);
            var (sh, srows) = PredictFiles.Read(tmp.File($"s-{split}.csv"));
            foreach (var s in srows)
            {
                var p = prows.Single(r => r[0] == s[0]);
                var a = PredictFiles.Pdf(ph, p);
                var b = PredictFiles.Pdf(sh, s);
                worst = Math.Max(worst, a.Zip(b, (x, y) => Math.Abs(x - y)).Max());
            }
        }
        log.WriteLine($"predict (FITS, batches of 3, 2 threads) vs score (shards): max |Δp| = {worst:G3} over {prows.Count} galaxies");
        Assert.True(worst <= 1e-6, $"max |Δp| {worst}");
    }

    [Fact]
    public void Snr_r_is_score_snr_r_and_no_snr_leaves_it_empty_and_changes_nothing_else()
    {
        using var tmp = new TempDir();
        var galaxies = f.Accepted.Take(8).ToList();
        File.WriteAllText(tmp.File("pos.csv"), "name,ra,dec\n" + string.Concat(galaxies.Select(g => $"{g.Id},{G(g.Ra)},{G(g.Dec)}\n")));
        string[] common = ["predict", "--model", f.Model, "--positions", tmp.File("pos.csv"), "--cutouts", f.Cutouts, "--cache",
            tmp.File("cache"), "--dust", f.Dust, "--threads", "2", "--device", "cpu", "-q"];
        var with = Run([.. common, "--out", tmp.File("with.csv")]);
        Assert.True(with.Code == 0, with.Err);
        var without = Run([.. common, "--out", tmp.File("without.csv"), "--no-snr"]);
        Assert.True(without.Code == 0, without.Err);
        var (h, a) = PredictFiles.Read(tmp.File("with.csv"));
        var (h2, b) = PredictFiles.Read(tmp.File("without.csv"));
        Assert.Equal(h, h2);
        int snr = Array.IndexOf(h, "snr_r");
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal("", b[i][snr]);
            Assert.NotEqual("", a[i][snr]);
            Assert.Equal(a[i].Where((_, c) => c != snr), b[i].Where((_, c) => c != snr));
        }
        // The S/N predict measures from the FITS files is the one ingest stored in the shards' photometry (score --snr r).
        var scored = new Dictionary<string, string>();
        foreach (var split in galaxies.Select(g => g.Split).Distinct())
        {
            var score = Run("score", "--model", f.Model, "--data", f.Shards, "--split", split, "--out", tmp.File($"s-{split}.csv"),
                "--snr", "r", "--device", "cpu", "-q");
            Assert.True(score.Code == 0, score.Err);
            var (sh, srows) = PredictFiles.Read(tmp.File($"s-{split}.csv"));
            foreach (var s in srows) scored[s[0]] = PredictFiles.Field(sh, s, "snr_r");
        }
        foreach (var row in a)
        {
            double p = double.Parse(row[snr], CultureInfo.InvariantCulture), q = double.Parse(scored[row[0]], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(p - q) <= 1e-3 * Math.Max(1, Math.Abs(q)), $"{row[0]}: predict snr_r {p}, score --snr r {q}");
        }
    }

    [Fact]
    public async Task Missing_galex_or_unwise_is_predicted_with_zeros_and_flagged_and_missing_ps1_is_a_row_error()
    {
        using var tmp = new TempDir();
        // Galaxies with GALEX and unWISE flux, so zeros change the input.
        var covered = f.Accepted.Where(g => HasFlux(Path.Combine(f.Cutouts, g.Id + ".Galex.fits"))
            && HasFlux(Path.Combine(f.Cutouts, g.Id + ".Unwise.fits")))
            .Take(4).ToList();
        Assert.Equal(4, covered.Count);
        string folder = tmp.File("cutouts"), zeros = tmp.File("zeros");
        PredictFiles.CopyGalaxy(f.Cutouts, folder, covered[0].Id);
        PredictFiles.CopyGalaxy(f.Cutouts, folder, covered[1].Id, "Galex.fits");
        PredictFiles.CopyGalaxy(f.Cutouts, folder, covered[2].Id, "Unwise.fits");
        PredictFiles.CopyGalaxy(f.Cutouts, folder, covered[3].Id, "g.fits");
        // The brute-force reference: the same galaxies with all-zero GALEX / unWISE files, as the training set stores no coverage.
        PredictFiles.CopyGalaxy(f.Cutouts, zeros, covered[1].Id);
        PredictFiles.CopyGalaxy(f.Cutouts, zeros, covered[2].Id);
        PredictFiles.Rewrite(Path.Combine(zeros, covered[1].Id + ".Galex.fits"), d => Array.Clear(d));
        PredictFiles.Rewrite(Path.Combine(zeros, covered[2].Id + ".Unwise.fits"), d => Array.Clear(d));
        string pos = tmp.File("pos.csv");
        File.WriteAllText(pos, "id,ra,dec\n" + string.Concat(covered.Select(g => $"{g.Id},{G(g.Ra)},{G(g.Dec)}\n")));
        string[] common = ["--model", f.Model, "--positions", pos, "--dust", f.Dust, "--pdf", "--device", "cpu", "-q"];

        var missing = Run(["predict", .. common, "--cutouts", folder, "--cache", tmp.File("c1"), "--out", tmp.File("missing.csv")]);
        Assert.True(missing.Code == 0, missing.Err);
        var zero = Run(["predict", .. common, "--cutouts", zeros, "--cache", tmp.File("c2"), "--out", tmp.File("zeros.csv")]);
        Assert.True(zero.Code == 0, zero.Err);
        var full = Run(["predict", .. common, "--cutouts", f.Cutouts, "--cache", tmp.File("c3"), "--out", tmp.File("full.csv")]);
        Assert.True(full.Code == 0, full.Err);
        var (h, _) = PredictFiles.Read(tmp.File("missing.csv"));
        var m = PredictFiles.ById(tmp.File("missing.csv"));
        var z = PredictFiles.ById(tmp.File("zeros.csv"));
        var all = PredictFiles.ById(tmp.File("full.csv"));

        Assert.Equal(["1", "1"], [PredictFiles.Field(h, m[covered[0].Id], "galex_coverage"),
            PredictFiles.Field(h, m[covered[0].Id], "unwise_coverage")]);
        Assert.Equal(["0", "1"], [PredictFiles.Field(h, m[covered[1].Id], "galex_coverage"),
            PredictFiles.Field(h, m[covered[1].Id], "unwise_coverage")]);
        Assert.Equal(["1", "0"], [PredictFiles.Field(h, m[covered[2].Id], "galex_coverage"),
            PredictFiles.Field(h, m[covered[2].Id], "unwise_coverage")]);
        foreach (var g in covered.Skip(1).Take(2))
        {
            var pm = PredictFiles.Pdf(h, m[g.Id]);
            Assert.Equal(PredictFiles.Pdf(h, z[g.Id]), pm); // a missing file is exactly an all-zero one
            Assert.Equal(PredictFiles.Field(h, z[g.Id], "galex_coverage"), PredictFiles.Field(h, m[g.Id], "galex_coverage"));
            Assert.NotEqual(PredictFiles.Pdf(h, all[g.Id]), pm); // and the zeros reach the network
        }
        // Missing PS1: that position's error (named), the others predicted.
        Assert.False(m.ContainsKey(covered[3].Id));
        var failures = File.ReadAllLines(tmp.File("missing.csv.failures.csv"));
        Assert.Equal(2, failures.Length);
        Assert.StartsWith(covered[3].Id + ",", failures[1]);
        Assert.Contains(".g.fits", failures[1]);

        // The services: the viewer answers 404 where it has no cutout; the same flags and PDFs as the folder.
        File.WriteAllText(tmp.File("catalog.csv"), "id,ra,dec\n" + string.Concat(covered.Select(g => $"{g.Id},{G(g.Ra)},{G(g.Dec)}\n")));
        await using var server = new FakeCutoutServer(tmp.File("catalog.csv"), folder);
        var remote = Run(["predict", .. common, "--ps1-url", server.Ps1Url, "--legacy-url", server.LegacyUrl, "--cache", tmp.File("c4"),
            "--retries", "1",
            "--out", tmp.File("remote.csv")]);
        Assert.True(remote.Code == 0, remote.Err);
        var r = PredictFiles.ById(tmp.File("remote.csv"));
        foreach (var g in covered.Take(3))
        {
            Assert.Equal(PredictFiles.Pdf(h, m[g.Id]), PredictFiles.Pdf(h, r[g.Id]));
            Assert.Equal(m[g.Id][^3..], r[g.Id][^3..]); // galex_coverage, unwise_coverage, nan_filled
        }
        Assert.False(r.ContainsKey(covered[3].Id)); // PS1 404: an error
    }

    private static bool HasFlux(string path) => FitsFile.ReadFirstImage(path).Data.Any(v => v != 0);

    [Fact]
    public void The_nan_rule_refuses_by_default_and_allow_nan_predicts_with_the_cards_fill_and_flags_it()
    {
        using var tmp = new TempDir();
        var g = f.Accepted[2];
        string nan = tmp.File("nan"), filled = tmp.File("filled");
        PredictFiles.CopyGalaxy(f.Cutouts, nan, g.Id);
        PredictFiles.CopyGalaxy(f.Cutouts, filled, g.Id);
        // 600 of 170² = 2.1% of PS1 r: over the 1% rule. The reference fill for the engine's card (NaN → 0 after the
        // transforms, which map 0 to 0): the same pixels 0.
        static void Block(float[] d, float value) { for (int y = 10; y < 30; y++) for (int x = 10; x < 40; x++) d[y * 170 + x] = value; }
        PredictFiles.Rewrite(Path.Combine(nan, g.Id + ".r.fits"), d => Block(d, float.NaN));
        PredictFiles.Rewrite(Path.Combine(filled, g.Id + ".r.fits"), d => Block(d, 0f));
        string pos = tmp.File("pos.csv");
        File.WriteAllText(pos, $"name,ra,dec\n{g.Id},{G(g.Ra)},{G(g.Dec)}\n");
        string[] common = ["predict", "--model", f.Model, "--positions", pos, "--dust", f.Dust, "--pdf", "--device", "cpu", "-q"];

        var refused = Run([.. common, "--cutouts", nan, "--cache", tmp.File("c1"), "--out", tmp.File("refused.csv")]);
        Assert.Equal(1, refused.Code);
        var failure = File.ReadAllLines(tmp.File("refused.csv.failures.csv"))[1];
        Assert.StartsWith(g.Id + ",", failure);
        Assert.Contains("NaN rule: PS1 r has 2.08", failure);

        var allowed = Run([.. common, "--cutouts", nan, "--cache", tmp.File("c2"), "--out", tmp.File("allowed.csv"), "--allow-nan"]);
        Assert.True(allowed.Code == 0, allowed.Err);
        var reference = Run([.. common, "--cutouts", filled, "--cache", tmp.File("c3"), "--out", tmp.File("reference.csv")]);
        Assert.True(reference.Code == 0, reference.Err);
        var (h, a) = PredictFiles.Read(tmp.File("allowed.csv"));
        var (_, b) = PredictFiles.Read(tmp.File("reference.csv"));
        Assert.Equal("1", PredictFiles.Field(h, a[0], "nan_filled"));
        Assert.Equal("0", PredictFiles.Field(h, b[0], "nan_filled"));
        Assert.Equal(PredictFiles.Pdf(h, b[0]), PredictFiles.Pdf(h, a[0]));
    }

    [Fact]
    public void Kill_9_then_resume_gives_the_same_file_as_an_uninterrupted_run()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDir();
        // 240 positions revisiting the fixture's galaxies under unique names (the 100 000-position run is ForcedScaleTests).
        string pos = tmp.File("pos.csv");
        File.WriteAllText(pos, "name,ra,dec\n" + string.Concat(Enumerable.Range(0, 240).Select(i =>
        {
            var g = f.Accepted[i % f.Accepted.Count];
            return $"p{i:00000},{G(g.Ra)},{G(g.Dec)}\n";
        })));
        string[] args = ["predict", "--model", f.Model, "--positions", pos, "--cutouts", f.Cutouts, "--cache", tmp.File("cache"), "--dust",
            f.Dust,
            "--threads", "2", "--batch-size", "8", "--device", "cpu", "-q"];
        var whole = Run([.. args, "--out", tmp.File("whole.csv")]);
        Assert.True(whole.Code == 0, whole.Err);

        string output = tmp.File("killed.csv"), journal = output + ".journal";
        using (var p = Process.Start(PredictFiles.Mantis([.. args, "--out", output]))!)
        {
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            // Bounded wait (a hang guard, not a timing): until some rows are journalled.
            var until = DateTime.UtcNow + TimeSpan.FromMinutes(20);
            while (!p.HasExited && DateTime.UtcNow < until && Journalled(journal) < 40) Thread.Sleep(50);
            Assert.False(p.HasExited, "predict finished before it could be killed");
            using (var kill = Process.Start("kill", ["-9", p.Id.ToString(CultureInfo.InvariantCulture)])!) kill.WaitForExit();
            p.WaitForExit();
        }
        int journalled = File.ReadLines(journal).Count() - 1;
        Assert.InRange(journalled, 40, 239);
        Assert.False(File.Exists(output));
        var resumed = Run([.. args, "--out", output]);
        Assert.True(resumed.Code == 0, resumed.Err);
        log.WriteLine($"killed after {journalled} of 240 positions; resumed");
        Assert.Equal(File.ReadAllText(tmp.File("whole.csv")), File.ReadAllText(output));
        Assert.False(File.Exists(journal));
    }

    /// <summary>Journal entries so far (the settings line left out), read while the file grows.</summary>
    private static int Journalled(string path)
    {
        if (!File.Exists(path)) return 0;
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(s);
        int lines = 0;
        while (reader.ReadLine() is not null) lines++;
        return Math.Max(0, lines - 1);
    }
}
