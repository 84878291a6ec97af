namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>Every record of the chosen shards once, in shard then slot order (evaluation and scoring).</summary>
public sealed class SequentialSampler : ISampler
{
    private readonly RecordRef[] _records;
    private long _position;

    public SequentialSampler(ShardSet set, string? split)
    {
        var list = new List<RecordRef>();
        for (int s = 0; s < set.Shards.Count; s++)
            if (split is null || set.Shards[s].Info.Split == split)
                for (int slot = 0; slot < set.Shards[s].Count; slot++) list.Add(new RecordRef(s, slot));
        _records = list.ToArray();
    }

    /// <summary>The given records once, in the given order.</summary>
    public SequentialSampler(IReadOnlyList<RecordRef> records) => _records = records.ToArray();

    /// <summary>The records of a split (all shards when null) in shard then slot order.</summary>
    public static RecordRef[] Records(ShardSet set, string? split) => new SequentialSampler(set, split)._records.ToArray();

    public long Length => _records.Length;

    public int Next(Span<RecordRef> batch)
    {
        int n = (int)Math.Min(batch.Length, _records.Length - _position);
        _records.AsSpan((int)_position, n).CopyTo(batch);
        _position += n;
        return n;
    }
}
