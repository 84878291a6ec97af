namespace MantisShrimp.Engine.Data;

/// <summary>Where one accepted source goes: chunk, split and slot inside that (chunk, split) shard.</summary>
public readonly record struct SlotAssignment(int Chunk, string Split, int Slot);
