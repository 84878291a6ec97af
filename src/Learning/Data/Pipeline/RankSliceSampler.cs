namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>
/// One rank's share of another sampler's batches: draws each global batch of <c>globalBatch</c> records and keeps
/// [offset, offset + count) — so N ranks together see exactly the records one process with the global batch would.
/// </summary>
public sealed class RankSliceSampler(ISampler inner, int globalBatch, int offset, int count) : ISampler
{
    private readonly RecordRef[] _global = new RecordRef[globalBatch];

    public long Length => inner.Length < 0 ? -1 : inner.Length;

    public int Next(Span<RecordRef> batch)
    {
        int drawn = inner.Next(_global);
        int n = Math.Clamp(drawn - offset, 0, Math.Min(count, batch.Length));
        _global.AsSpan(offset, n).CopyTo(batch);
        return n;
    }
}
