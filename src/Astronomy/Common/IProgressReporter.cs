namespace MantisShrimp.Engine.Common;

/// <summary>How the engine reports progress of long work; the Host draws it (the engine knows no console).</summary>
public interface IProgressReporter
{
    /// <summary>Starts a task of <paramref name="total"/> units; dispose it when done.</summary>
    IProgressTask Start(string label, long total);

    /// <summary>A one-line message (a phase, a warning).</summary>
    void Message(string text);
}
