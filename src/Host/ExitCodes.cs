namespace MantisShrimp.Host;

/// <summary>Process exit codes of <c>mantis</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Bad input: options, files, rows, fields. The message says which.</summary>
    public const int UserError = 1;
    /// <summary>An internal failure (a bug or an environment problem).</summary>
    public const int Failure = 2;
    /// <summary>Interrupted (Ctrl+C); long jobs resume on the next run.</summary>
    public const int Interrupted = 130;
}
