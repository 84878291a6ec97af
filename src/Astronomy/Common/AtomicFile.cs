namespace MantisShrimp.Engine.Common;

/// <summary>
/// The one way the engine writes a file: into a temp file in the target's folder (same file system, so the rename is
/// atomic), flushed to disk, then renamed over the target. A reader sees the old file or the whole new one, never a
/// part; a kill or a full disk leaves at most a stray <c>.NAME.PID.XXXXXXXX.tmp</c>, which is deleted when seen failing.
/// </summary>
public static class AtomicFile
{
    /// <summary>A fresh temp path next to <paramref name="path"/>: hidden, unique per process and call.</summary>
    public static string TempPath(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        return Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
    }

    /// <summary>Writes through a stream; the bytes reach the disk before the rename.</summary>
    public static void Write(string path, Action<Stream> write) => Commit(path, sync: false, tmp =>
    {
        using var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        write(fs);
        fs.Flush(flushToDisk: true);
    });

    /// <summary>
    /// For writers that take a path (TorchSharp's save, Parquet): <paramref name="write"/> creates the temp file, which
    /// is then flushed to disk and renamed.
    /// </summary>
    public static void WriteVia(string path, Action<string> write) => Commit(path, sync: true, write);

    private static void Commit(string path, bool sync, Action<string> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string tmp = TempPath(path);
        try
        {
            write(tmp);
            if (sync) Sync(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { var bytes = new System.Text.UTF8Encoding(false).GetBytes(text); s.Write(bytes); });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>A copy that appears whole or not at all (never an in-place overwrite of the target).</summary>
    public static void Copy(string source, string target) => Write(target, s =>
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        input.CopyTo(s);
    });

    private static void Sync(string file)
    {
        using var fs = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        fs.Flush(flushToDisk: true);
    }
}
