namespace MantisShrimp.Engine.Data;

/// <summary>A record of a shard set: which shard, which slot.</summary>
public readonly record struct RecordRef(int Shard, int Slot);
