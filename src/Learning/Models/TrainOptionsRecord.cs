namespace MantisShrimp.Engine.Models;

/// <summary>The training options that define a run (compared on resume).</summary>
/// <param name="BatchSize">Per rank.</param>
/// <param name="Ranks">MPI ranks of the run (the effective batch is BatchSize × Ranks).</param>
public sealed record TrainOptionsRecord(string Data, int BatchesPerEpoch, int BatchSize, double LearningRate, double WeightDecay,
    ulong Seed, int Epochs, int Ranks = 1,
    string? InitWeights = null);
