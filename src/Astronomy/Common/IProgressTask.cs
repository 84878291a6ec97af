namespace MantisShrimp.Engine.Common;

public interface IProgressTask : IDisposable
{
    /// <summary>Marks <paramref name="units"/> more units done. Thread-safe.</summary>
    void Advance(long units = 1);
}
