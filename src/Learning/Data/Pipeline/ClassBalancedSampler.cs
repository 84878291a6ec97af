using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Data.Pipeline;

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
