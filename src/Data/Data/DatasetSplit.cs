using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Data;

/// <summary>
/// The paper's split (§3.3): shuffle the accepted sources with the seed, cut the shuffled list into
/// <c>chunks</c> contiguous chunks of (near-)equal size, and split each chunk 70/10/20 into train/val/test
/// (cumulative floors, so counts are exact integers and every source lands somewhere).
/// </summary>
public static class DatasetSplit
{
    public const double TrainFraction = 0.7, ValFraction = 0.1, TestFraction = 0.2;

    /// <summary>Assigns each of <paramref name="count"/> accepted sources (in catalog order) to a shard slot.</summary>
    public static SlotAssignment[] Assign(int count, int chunks, ulong seed)
    {
        if (chunks < 1) throw new ArgumentOutOfRangeException(nameof(chunks), "At least one chunk.");
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var rng = new SplitMix64(seed);
        rng.Shuffle(order.AsSpan());
        var result = new SlotAssignment[count];
        for (int c = 0; c < chunks; c++)
        {
            int start = (int)((long)count * c / chunks), end = (int)((long)count * (c + 1) / chunks);
            int m = end - start;
            int nTrain = (int)Math.Floor(m * TrainFraction + 1e-9);
            int nTrainVal = (int)Math.Floor(m * (TrainFraction + ValFraction) + 1e-9);
            for (int k = 0; k < m; k++)
            {
                var (split, slot) = k < nTrain ? (Splits.Train, k)
                    : k < nTrainVal ? (Splits.Val, k - nTrain)
                    : (Splits.Test, k - nTrainVal);
                result[order[start + k]] = new SlotAssignment(c, split, slot);
            }
        }
        return result;
    }

    public static string ShardFileName(int chunk, string split) => $"chunk-{chunk:00}-{split}.shard";

    public static string MetaFileName(int chunk, string split) => $"chunk-{chunk:00}-{split}.meta.csv";
}
