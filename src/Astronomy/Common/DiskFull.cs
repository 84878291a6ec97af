namespace MantisShrimp.Engine.Common;

/// <summary>
/// A write refused for lack of room — a full disk, a quota, or a file-size limit (<c>ulimit -f</c>) — told apart from
/// other I/O failures: it is the operator's to fix (free space, re-run to resume), so it is a user error naming the file.
/// </summary>
public static class DiskFull
{
    // Linux errno values, which .NET puts in IOException.HResult on Unix; and Windows' ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL.
    private const int Enospc = 28, Efbig = 27, Edquot = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070), WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>Why a write failed for lack of room, or null when <paramref name="e"/> is another failure.</summary>
    public static string? Reason(Exception e) => e switch
    {
        IOException { HResult: Enospc or WindowsDiskFull or WindowsHandleDiskFull } => "no space left on device",
        IOException { HResult: Edquot } => "no space left (disk quota exceeded)",
        IOException { HResult: Efbig } => "file too large (the file system's or the process's file-size limit)",
        // .NET reports EFBIG from a write or a length change as this exception ("Specified file length was too large for
        // the file system", parameter "value"), thrown inside System.IO (RandomAccess, FileStreamHelpers); the engine's
        // own calls there pass no argument out of range.
        ArgumentOutOfRangeException { ParamName: "value", TargetSite.DeclaringType.Namespace: "System.IO" or "System.IO.Strategies" }
            => "file too large (the file system's or the process's file-size limit)",
        AggregateException { InnerExceptions.Count: 1 } a => Reason(a.InnerExceptions[0]),
        _ => null,
    };

    /// <summary>Runs a write to <paramref name="path"/>; lack of room becomes a <see cref="UserInputException"/> naming it.</summary>
    public static void Guard(string path, Action write, string consequence)
    {
        try
        {
            write();
        }
        catch (Exception e) when (Reason(e) is { } reason)
        {
            throw new UserInputException($"{path}: not written, {reason}; {consequence}", e);
        }
    }
}
