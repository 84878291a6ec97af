using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>Chooses the records of each batch.</summary>
public interface ISampler
{
    /// <summary>Total records an epoch yields (for progress), or -1 when unbounded.</summary>
    long Length { get; }

    /// <summary>Fills <paramref name="batch"/> with the next records; returns how many (0 at the end).</summary>
    int Next(Span<RecordRef> batch);
}

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

/// <summary>
/// Class-balanced sampling with replacement (paper §4.3): each draw picks one of the non-empty redshift
/// classes uniformly, then a record of that class uniformly — so rare high-z classes are seen as often as
/// the crowded low-z ones. Deterministic for a seed; unbounded.
/// </summary>
public sealed class ClassBalancedSampler : ISampler
{
    private readonly RecordRef[][] _byClass;
    private SplitMix64 _rng;

    public ClassBalancedSampler(ShardSet set, string split, ulong seed)
    {
        var lists = Enumerable.Range(0, RedshiftGrid.Classes).Select(_ => new List<RecordRef>()).ToArray();
        for (int s = 0; s < set.Shards.Count; s++)
        {
            var shard = set.Shards[s];
            if (shard.Info.Split != split) continue;
            for (int slot = 0; slot < shard.Count; slot++)
                lists[RedshiftGrid.ClassOf(shard.Header(slot).Z)].Add(new RecordRef(s, slot));
        }
        _byClass = lists.Where(l => l.Count > 0).Select(l => l.ToArray()).ToArray();
        if (_byClass.Length == 0) throw new UserInputException($"{set.Directory}: split '{split}' has no records to sample");
        _rng = new SplitMix64(seed);
    }

    /// <summary>Number of redshift classes that have at least one record.</summary>
    public int NonEmptyClasses => _byClass.Length;

    public long Length => -1;

    public int Next(Span<RecordRef> batch)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            var members = _byClass[_rng.NextInt64(_byClass.Length)];
            batch[i] = members[_rng.NextInt64(members.Length)];
        }
        return batch.Length;
    }
}

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
