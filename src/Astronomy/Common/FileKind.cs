using System.Runtime.InteropServices;

namespace MantisShrimp.Engine.Common;

/// <summary>
/// What a path names, asked without opening it: open() on a FIFO blocks until a writer comes (forever, and Ctrl+C
/// does not help), and on a device it may read without end, so readers check for a regular file first. Linux's statx
/// has one layout on every architecture; elsewhere (no FIFOs to fear on Windows) a non-directory counts as regular.
/// </summary>
public static partial class FileKind
{
    private const int AtFdCwd = -100, StatxType = 1, ModeOffset = 28, StatxSize = 256;
    private const int TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, Fifo = 0x1000, CharDevice = 0x2000, BlockDevice = 0x6000,
        Socket = 0xC000;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    private static bool _noStatx = !OperatingSystem.IsLinux();

    /// <summary>Null for a regular file (links followed); otherwise what the path is instead, for an error message.</summary>
    public static string? NotRegular(string path)
    {
        if (!_noStatx)
        {
            try
            {
                Span<byte> buffer = stackalloc byte[StatxSize];
                if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return "missing or unreadable";
                int mode = BitConverter.ToUInt16(buffer[ModeOffset..]) & TypeMask;
                return mode switch
                {
                    Regular => null,
                    Directory => "a directory",
                    Fifo => "a FIFO (named pipe)",
                    CharDevice or BlockDevice => "a device",
                    Socket => "a socket",
                    _ => "not a regular file",
                };
            }
            catch (EntryPointNotFoundException)
            {
                _noStatx = true; // glibc before 2.28, musl before 1.2.5
            }
        }
        if (System.IO.Directory.Exists(path)) return "a directory";
        return File.Exists(path) ? null : "missing or unreadable";
    }
}
