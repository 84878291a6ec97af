namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>Chooses the records of each batch.</summary>
public interface ISampler
{
    /// <summary>Total records an epoch yields (for progress), or -1 when unbounded.</summary>
    long Length { get; }

    /// <summary>Fills <paramref name="batch"/> with the next records; returns how many (0 at the end).</summary>
    int Next(Span<RecordRef> batch);
}
