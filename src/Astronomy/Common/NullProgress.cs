namespace MantisShrimp.Engine.Common;

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
