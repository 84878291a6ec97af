using System.Diagnostics;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Forced;

namespace MantisShrimp.Engine.Tests;

/// <summary>Cutouts, journals and positions files made to hurt: each is a reject with a reason, in bounded memory, never a hang.</summary>
[Collection("Allocation")] // measures this thread's allocations
public class HostileInputTests
{
    /// <summary>A float image header claiming <paramref name="axes"/>, its data a sparse hole of the claimed size.</summary>
    private static string Claim(string path, params int[] axes)
    {
        var f = new FitsBytes().Add(FitsBytes.Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", axes.Length);
        for (int i = 0; i < axes.Length; i++) f.Int($"NAXIS{i + 1}", axes[i]);
        var header = f.Data([]).ToArray();
        File.WriteAllBytes(path, header);
        long data = axes.Aggregate(4L, (a, b) => a * b);
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(header.Length + (data + 2879) / 2880 * 2880);
        return path;
    }

    [Theory]
    [InlineData(new[] { 40000, 40000 })]    // 6.4 GB: overflowed the byte count
    [InlineData(new[] { 32, 32, 600000 })]  // a 2.4 GB cube
    [InlineData(new[] { 20000, 20000 })]    // 1.6 GB: was read into memory
    public void An_oversized_cutout_is_rejected_before_its_data_are_read(int[] axes)
    {
        using var tmp = new TempDir();
        Claim(tmp.File("s1.Galex.fits"), axes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SampleRejectedException>(() => new CutoutLoader(tmp.Path).Load("s1", 10, 10));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("s1.Galex.fits", e.Message);
        Assert.Contains("more than 128×128×8", e.Message);
    }

    [Fact]
    public void An_image_too_large_for_memory_is_a_format_error_not_an_overflow()
    {
        using var tmp = new TempDir();
        string path = Claim(tmp.File("cube.fits"), 32, 32, 600000);
        using var f = FitsFile.Open(path);
        var e = Assert.Throws<FitsFormatException>(() => f.ReadImage(f.FirstImageHdu()));
        Assert.Contains("too large", e.Problem);
    }

    private static bool MakeFifo(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        using var p = Process.Start(new ProcessStartInfo("mkfifo", path) { UseShellExecute = false })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    /// <summary>Runs <paramref name="body"/> on its own thread: a hang fails the test instead of stopping the run.</summary>
    private static T WithoutHanging<T>(Func<T> body)
    {
        var task = Task.Factory.StartNew(body, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), "blocked (opened a FIFO?)");
        return task.Result;
    }

    [Fact]
    public void A_fifo_device_or_directory_named_like_a_cutout_is_a_reject_not_a_hang()
    {
        using var tmp = new TempDir();
        Assert.True(MakeFifo(tmp.File("a.Galex.fits")) || !OperatingSystem.IsLinux());
        Directory.CreateDirectory(tmp.File("b.Galex.fits"));
        if (OperatingSystem.IsLinux()) File.CreateSymbolicLink(tmp.File("c.Galex.fits"), "/dev/zero");
        foreach (var (name, kind) in new[] { ("a", "FIFO"), ("b", "directory"), ("c", "device") })
        {
            if (!OperatingSystem.IsLinux() && name != "b") continue;
            var e = WithoutHanging(() => Record.Exception(() => new CutoutLoader(tmp.Path).Load(name, 10, 10)));
            var reject = Assert.IsType<SampleRejectedException>(e);
            Assert.Contains($"{name}.Galex.fits", reject.Message);
            Assert.Contains(kind, reject.Message);
        }
    }

    [Fact]
    public void Indexing_a_cutout_folder_skips_a_fifo_instead_of_hanging()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDir();
        Assert.True(MakeFifo(tmp.File("x.g.fits")));
        var source = WithoutHanging(() => new Cutouts.LocalCutoutSource(tmp.Path));
        Assert.Equal(0, source.Files);
        Assert.Contains(source.Skipped, s => s.Contains("FIFO"));
    }

    [Fact]
    public void A_journal_keeps_any_name()
    {
        using var tmp = new TempDir();
        string path = tmp.File("j");
        string[] names = ["two\nlines", "cr\ronly", @"back\slash", @"looks\nescaped", "plain"];
        using (var log = new AppendLog(path))
            foreach (var n in names) log.Append(n);
        Assert.Equal(names, AppendLog.ReadLines(path));
    }

    [Fact]
    public void Infinite_positions_are_row_errors_not_file_errors()
    {
        using var tmp = new TempDir();
        string path = tmp.File("pos.csv");
        File.WriteAllText(path, "name,ra,dec\na,inf,10\nb,1e400,10\nc,10,-inf\nd,150.1,2.2\n");
        var rows = PredictRunner.ReadPositions(path);
        Assert.Equal(4, rows.Count);
        Assert.True(double.IsPositiveInfinity(rows[0].Ra) && double.IsPositiveInfinity(rows[1].Ra));
        Assert.True(double.IsNegativeInfinity(rows[2].Dec));
        var e = Assert.Throws<Common.UserInputException>(() => Cutouts.SkyPosition.Checked(rows[0].Ra, rows[0].Dec, rows[0].Name));
        Assert.Contains("RA", e.Message);
        File.WriteAllText(path, "name,ra,dec\na,ten,10\n");
        var e2 = Assert.Throws<Common.UserInputException>(() => PredictRunner.ReadPositions(path));
        Assert.Contains("line 2: ra 'ten' is not an angle", e2.Message);
    }
}
