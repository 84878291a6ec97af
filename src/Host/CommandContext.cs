using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Host;

/// <summary>Where commands write, and the one place that turns exceptions into exit codes.</summary>
internal sealed class CommandContext(TextWriter stdout, TextWriter stderr)
{
    /// <summary>Indented JSON, shared by the commands that print results.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    public TextWriter Out { get; } = stdout;
    public TextWriter Error { get; } = stderr;

    /// <summary>Progress on stderr; only rank 0 of an MPI job draws it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
        Justification = "Commands ask their context for progress; an instance member keeps it replaceable per context.")]
    public IProgressReporter Progress(bool quiet) => new ConsoleProgress(quiet || !Engine.Distributed.MpiSession.Current.IsRoot);

    /// <summary>Prints a result as indented JSON and, when a path is given, writes it there too (rank 0 only under MPI).</summary>
    public void WriteJson(object results, string? path)
    {
        string text = System.Text.Json.JsonSerializer.Serialize(results, Indented);
        Out.WriteLine(text);
        if (path is not null && Engine.Distributed.MpiSession.Current.IsRoot) Engine.Common.AtomicFile.WriteAllText(path, text + "\n");
    }

    /// <summary>Runs a command body: user errors → 1, interruption → 130, anything else → 2, all with a message on stderr.</summary>
    public int Guard(Func<CancellationToken, int> body)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return body(cancel.Token);
        }
        catch (Exception e) when (Unwrap(e) is UserInputException or FitsFormatException)
        {
            Error.WriteLine($"error: {Printable.Escape(Unwrap(e).Message, keepNewlines: true)}");
            return ExitCodes.UserError;
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException)
        {
            Error.WriteLine("interrupted; re-run the same command to resume.");
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            Error.WriteLine($"failed: {Printable.Escape(Unwrap(e).Message, keepNewlines: true)}");
            Error.WriteLine(e.ToString());
            return ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) : e;
}
