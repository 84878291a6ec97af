using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Shapley;

/// <summary>
/// Shapley values of the 9 bands (paper §2.3): for a value table V over band subsets (bit j = band j, in channel
/// order), φ_j = Σ_{S ∌ j} |S|!(n−|S|−1)!/n! · (V(S ∪ {j}) − V(S)); MM-SHAP_j = |φ_j| / Σ_k |φ_k| (Parcalabescu &amp;
/// Frank 2023). Exact values satisfy efficiency, Σ_j φ_j = V(all) − V(∅).
/// </summary>
public static class ShapleyMath
{
    public const int Players = BandTable.BandCount;
    public const int Subsets = 1 << Players;
    public const int AllBands = Subsets - 1;

    /// <summary>|S|!(n−|S|−1)!/n! for |S| = 0 … n−1.</summary>
    public static readonly double[] Weights = Enumerable.Range(0, Players)
        .Select(s => Factorial(s) * Factorial(Players - s - 1) / Factorial(Players)).ToArray();

    private static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    /// <summary>Exact Shapley values from a full table of 512 values.</summary>
    public static double[] Exact(ReadOnlySpan<double> v)
    {
        if (v.Length != Subsets) throw new ArgumentException($"A value table has {Subsets} entries.");
        var phi = new double[Players];
        for (int j = 0; j < Players; j++)
        {
            int bit = 1 << j;
            double sum = 0;
            for (int s = 0; s < Subsets; s++)
                if ((s & bit) == 0) sum += Weights[int.PopCount(s)] * (v[s | bit] - v[s]);
            phi[j] = sum;
        }
        return phi;
    }

    /// <summary>MM-SHAP: each band's share of the total absolute Shapley value (all 0 when every φ is 0).</summary>
    public static double[] MmShap(ReadOnlySpan<double> phi)
    {
        double total = 0;
        foreach (var p in phi) total += Math.Abs(p);
        var mm = new double[phi.Length];
        if (total > 0) for (int j = 0; j < phi.Length; j++) mm[j] = Math.Abs(phi[j]) / total;
        return mm;
    }

    /// <summary>
    /// Stream of a galaxy's permutation draws under its catalog row's stream: the one after the mask noise's
    /// band streams 0 … 8 (<see cref="MaskedImages.Masks"/>), so orderings and mask noise never share draws.
    /// </summary>
    public const ulong PermutationStream = Players;

    /// <summary>The seed of <see cref="Permutations"/> for the galaxy of catalog row <paramref name="catalogRow"/>.</summary>
    public static ulong PermutationSeed(ulong seed, long catalogRow) =>
        SplitMix64.ForStream(SplitMix64.ForStream(seed, (ulong)catalogRow).NextUInt64(), PermutationStream).NextUInt64();

    /// <summary>
    /// K random orderings of the active bands for permutation sampling, as antithetic pairs (an ordering and its
    /// reverse; K rounded up to even). Inactive bands never move the value and are left out.
    /// </summary>
    public static int[][] Permutations(int activeMask, int permutations, ulong seed)
    {
        var players = Enumerable.Range(0, Players).Where(j => (activeMask >> j & 1) != 0).ToArray();
        int pairs = (Math.Max(2, permutations) + 1) / 2;
        var rng = new SplitMix64(seed);
        var result = new int[pairs * 2][];
        for (int p = 0; p < pairs; p++)
        {
            var order = (int[])players.Clone();
            rng.Shuffle<int>(order);
            result[2 * p] = order;
            result[2 * p + 1] = order.Reverse().ToArray();
        }
        return result;
    }

    /// <summary>The subsets a set of orderings needs (every prefix of each).</summary>
    public static IEnumerable<int> NeededSubsets(int[][] orderings)
    {
        var needed = new HashSet<int> { 0 };
        foreach (var order in orderings)
        {
            int s = 0;
            foreach (int j in order) needed.Add(s |= 1 << j);
        }
        return needed.Order();
    }

    /// <summary>Permutation-sampling estimate: mean marginal contribution per band and its standard error (over antithetic
    /// pairs).</summary>
    public static (double[] Phi, double[] StdErr) Sampled(ReadOnlySpan<double> v, int[][] orderings)
    {
        int pairs = orderings.Length / 2;
        var phi = new double[Players];
        var se = new double[Players];
        if (pairs == 0) return (phi, se);
        var perPair = new double[pairs, Players];
        for (int p = 0; p < pairs; p++)
            for (int half = 0; half < 2; half++)
            {
                int s = 0;
                foreach (int j in orderings[2 * p + half])
                {
                    int next = s | 1 << j;
                    perPair[p, j] += 0.5 * (v[next] - v[s]);
                    s = next;
                }
            }
        for (int j = 0; j < Players; j++)
        {
            double mean = 0;
            for (int p = 0; p < pairs; p++) mean += perPair[p, j];
            mean /= pairs;
            double ss = 0;
            for (int p = 0; p < pairs; p++) ss += (perPair[p, j] - mean) * (perPair[p, j] - mean);
            phi[j] = mean;
            se[j] = pairs > 1 ? Math.Sqrt(ss / (pairs - 1) / pairs) : double.NaN;
        }
        return (phi, se);
    }
}
