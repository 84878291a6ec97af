using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Tests;

public class AtomicFileTests
{
    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temp()
    {
        using var tmp = new TempDir();
        string path = tmp.File("a.txt");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("new, half written"u8);
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void A_copy_over_a_file_replaces_it_whole_and_never_in_place()
    {
        using var tmp = new TempDir();
        string source = tmp.File("last"), target = tmp.File("best");
        File.WriteAllText(source, new string('x', 100_000));
        File.WriteAllText(target, "previous");
        using (var reader = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            AtomicFile.Copy(source, target);
            // A reader that had the old file open still reads the old bytes: the target was renamed over, not rewritten.
            Assert.Equal("previous", new StreamReader(reader).ReadToEnd());
        }
        Assert.Equal(100_000, new FileInfo(target).Length);
        Assert.Equal(2, Directory.GetFiles(tmp.Path).Length);
    }

    [Fact]
    public void Temp_files_are_hidden_next_to_the_target()
    {
        string t = AtomicFile.TempPath("/data/run/best.ckpt");
        Assert.StartsWith("/data/run/.best.ckpt.", t);
        Assert.EndsWith(".tmp", t);
        Assert.NotEqual(t, AtomicFile.TempPath("/data/run/best.ckpt"));
    }

    [Fact]
    public void The_folder_is_flushed_after_the_rename()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDir();
        string path = tmp.File("sub/a.txt");
        var seen = new List<(string Dir, bool Renamed)>();
        void Record(string dir)
        {
            if (dir == Path.GetDirectoryName(path)) lock (seen) seen.Add((dir, File.Exists(path)));
        }
        AtomicFile.DirectorySynced += Record;
        try
        {
            AtomicFile.WriteAllText(path, "x");
            AtomicFile.WriteVia(path, tmpPath => File.WriteAllText(tmpPath, "y"));
        }
        finally
        {
            AtomicFile.DirectorySynced -= Record;
        }
        // Once per commit, each after its rename (the target then exists); the hook runs only when fsync returned 0.
        Assert.Equal([(Path.GetDirectoryName(path)!, true), (Path.GetDirectoryName(path)!, true)], seen);
    }

    [Fact]
    public void A_full_disk_is_a_user_error_naming_the_target_and_leaves_the_old_file()
    {
        using var tmp = new TempDir();
        string path = tmp.File("a.txt");
        AtomicFile.WriteAllText(path, "old");
        // What .NET throws on Linux when write() fails with ENOSPC (HResult = errno); the process tests make real ones.
        var e = Assert.Throws<UserInputException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("half"u8);
            throw new IOException("No space left on device : '" + s + "'", 28);
        }));
        Assert.StartsWith(path + ": not written, no space left on device", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(tmp.Path));
    }
}
