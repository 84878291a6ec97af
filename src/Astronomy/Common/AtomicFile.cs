using System.Runtime.InteropServices;

namespace MantisShrimp.Engine.Common;

/// <summary>
/// The one way the engine writes a file: into a temp file in the target's folder (same file system, so the rename is
/// atomic), flushed to disk, then renamed over the target, and the folder flushed too (the rename is an entry of the
/// folder: without that fsync a power cut can lose it although the file's bytes are on disk). A reader sees the old file
/// or the whole new one, never a part; a kill leaves at most a stray <c>.NAME.PID.XXXXXXXX.tmp</c>, and a full disk is a
/// <see cref="UserInputException"/> naming the target, the temp deleted and the old file kept.
/// </summary>
public static partial class AtomicFile
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
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string tmp = TempPath(path);
        try
        {
            DiskFull.Guard(path, () =>
            {
                write(tmp);
                if (sync) Sync(tmp);
            }, "the previous file, if any, is unchanged");
            File.Move(tmp, path, overwrite: true);
            SyncDirectory(dir);
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

    /// <summary>Test hook: called with each folder after its fsync succeeded.</summary>
    internal static event Action<string>? DirectorySynced;

    private const int ReadOnly = 0, CloseOnExec = 0x80000; // Linux's O_RDONLY, O_CLOEXEC (the same on x64 and arm64)
    private const int Einval = 22;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>
    /// Flushes a folder's entries (the rename just made) to disk. Linux only: .NET has no call for it, and Windows'
    /// MoveFileEx is journaled by NTFS. A file system that cannot fsync a folder (EINVAL: some FUSE and network ones)
    /// is accepted as is; any other failure is an error, since the rename may not survive a power cut.
    /// </summary>
    private static void SyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = Open(dir, ReadOnly | CloseOnExec);
        if (fd < 0) throw new IOException($"{dir}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Einval) return;
                throw new IOException($"{dir}: fsync of the folder failed (errno {errno}); the rename may not survive a power cut");
            }
        }
        finally
        {
            Close(fd);
        }
        DirectorySynced?.Invoke(dir);
    }
}
