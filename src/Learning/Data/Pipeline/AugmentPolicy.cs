using MantisShrimp.Engine.Common;
using MantisShrimp.Kernels.Input;

namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>
/// How augmentation parameters are drawn. Training: a random angle in [0, 360) and two coin-flip mirrors,
/// per sample (default) or one draw shared by the whole batch (the reference's behaviour). Evaluation: none —
/// the reference augments randomly even at inference, which makes its predictions stochastic; ours are not.
/// Test-time averaging: K copies of each sample at the fixed angles 360°·k/K.
/// </summary>
public sealed class AugmentPolicy
{
    private AugmentPolicy(bool random, bool perBatch, int rotations, ulong seed)
    {
        Random = random;
        PerBatch = perBatch;
        Rotations = rotations;
        Seed = seed;
    }

    public bool Random { get; }
    public bool PerBatch { get; }
    /// <summary>Copies per sample (1 unless test-time averaging).</summary>
    public int Rotations { get; }
    public ulong Seed { get; }

    public static AugmentPolicy Training(ulong seed, bool perBatch = false) => new(true, perBatch, 1, seed);

    public static AugmentPolicy Evaluation { get; } = new(false, false, 1, 0);

    /// <summary>Position of this batch's first sample within the global batch (data-parallel ranks), for the random streams.</summary>
    public int SampleOffset { get; private init; }

    /// <summary>The same policy for a rank whose batches start at global position <paramref name="offset"/>.</summary>
    public AugmentPolicy WithSampleOffset(int offset) => new(Random, PerBatch, Rotations, Seed) { SampleOffset = offset };

    public static AugmentPolicy TestTimeAveraging(int rotations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rotations, 1);
        return new(false, false, rotations, 0);
    }

    /// <summary>
    /// Parameters for batch <paramref name="batchIndex"/>: <paramref name="output"/>[i·Rotations + k] for sample i, copy k.
    /// Random draws depend only on (seed, batch index, sample position), never on thread timing.
    /// </summary>
    public void Fill(long batchIndex, int samples, Span<SampleAugment> output)
    {
        for (int i = 0; i < samples; i++)
        {
            for (int k = 0; k < Rotations; k++)
            {
                SampleAugment a;
                if (Random)
                {
                    var rng = SplitMix64.ForStream(Seed, (ulong)batchIndex * 1_000_003UL + (ulong)(PerBatch ? 0 : SampleOffset + i + 1));
                    double angle = rng.NextDouble() * 360.0;
                    a = SampleAugment.FromDegrees(angle, rng.NextDouble() >= 0.5, rng.NextDouble() >= 0.5);
                }
                else a = SampleAugment.FromDegrees(360.0 * k / Rotations);
                output[i * Rotations + k] = a;
            }
        }
    }
}
