namespace MantisShrimp.Engine.Common;

/// <summary>How the engine reports progress of long work; the Host draws it (the engine knows no console).</summary>
public interface IProgressReporter
{
    /// <summary>Starts a task of <paramref name="total"/> units; dispose it when done.</summary>
    IProgressTask Start(string label, long total);

    /// <summary>A one-line message (a phase, a warning).</summary>
    void Message(string text);
}

public interface IProgressTask : IDisposable
{
    /// <summary>Marks <paramref name="units"/> more units done. Thread-safe.</summary>
    void Advance(long units = 1);
}

/// <summary>Reports nothing.</summary>
public sealed class NullProgress : IProgressReporter
{
    public static readonly NullProgress Instance = new();

    public IProgressTask Start(string label, long total) => NullTask.Instance;

    public void Message(string text) { }

    private sealed class NullTask : IProgressTask
    {
        public static readonly NullTask Instance = new();
        public void Advance(long units = 1) { }
        public void Dispose() { }
    }
}
