namespace MantisShrimp.Engine.Fits;

/// <summary>
/// A file is not valid FITS, or uses a feature this reader does not support. The message names the file
/// and the problem; the reader never returns a silently wrong image instead.
/// </summary>
public sealed class FitsFormatException : Exception
{
    public FitsFormatException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    /// <summary>The file (path or label) that failed.</summary>
    public string File { get; }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }
}
