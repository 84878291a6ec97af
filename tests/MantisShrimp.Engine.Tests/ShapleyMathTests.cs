using MantisShrimp.Engine.Shapley;

namespace MantisShrimp.Engine.Tests;

public class ShapleyMathTests
{
    [Fact]
    public void Weights_sum_to_one_over_the_subsets_without_a_player()
    {
        double total = 0;
        for (int s = 0; s < ShapleyMath.Subsets; s++)
            if ((s & 1) == 0) total += ShapleyMath.Weights[int.PopCount(s)];
        Assert.Equal(1.0, total, 12);
    }

    [Fact]
    public void Additive_game_with_a_pair_interaction()
    {
        // V(S) = Σ a_j + c·[3 ∈ S and 7 ∈ S]: φ_j = a_j, plus c/2 each for bands 3 and 7.
        double[] a = [0.1, -0.2, 0.05, 0.3, 0, 0.01, -0.07, 0.2, 0.02];
        const double c = 0.4;
        var v = new double[ShapleyMath.Subsets];
        for (int s = 0; s < v.Length; s++)
        {
            for (int j = 0; j < 9; j++) if ((s >> j & 1) != 0) v[s] += a[j];
            if ((s & (1 << 3)) != 0 && (s & (1 << 7)) != 0) v[s] += c;
            v[s] += 0.7; // V(∅)
        }
        var phi = ShapleyMath.Exact(v);
        for (int j = 0; j < 9; j++) Assert.Equal(a[j] + (j is 3 or 7 ? c / 2 : 0), phi[j], 12);
        Assert.Equal(v[ShapleyMath.AllBands] - v[0], phi.Sum(), 12);
        var mm = ShapleyMath.MmShap(phi);
        Assert.Equal(1.0, mm.Sum(), 12);
        Assert.Equal(0, mm[4]);
        // Permutation sampling is exact for this game's additive part; the pair term averages to c/2 per band.
        var orderings = ShapleyMath.Permutations(ShapleyMath.AllBands, 2000, 7);
        var (sampled, se) = ShapleyMath.Sampled(v, orderings);
        for (int j = 0; j < 9; j++) Assert.Equal(phi[j], sampled[j], 1);
        Assert.Equal(0, se[0], 12);
        Assert.True(se[3] > 0);
        Assert.Equal(v[ShapleyMath.AllBands] - v[0], sampled.Sum(), 9); // every ordering telescopes
    }

    [Fact]
    public void Random_tables_satisfy_efficiency_and_null_players_get_zero()
    {
        var r = new Random(3);
        var v = new double[ShapleyMath.Subsets];
        const int inactive = (1 << 0) | (1 << 8);
        for (int s = 0; s < v.Length; s++) v[s] = (s & inactive) == 0 ? r.NextDouble() : double.NaN;
        for (int s = 0; s < v.Length; s++) v[s] = v[s & ~inactive]; // bands 0 and 8 never matter
        var phi = ShapleyMath.Exact(v);
        Assert.Equal(v[ShapleyMath.AllBands] - v[0], phi.Sum(), 12);
        Assert.Equal(0, phi[0]);
        Assert.Equal(0, phi[8]);
        Assert.Equal(128, ShapleyEvaluator.AllSubsetsOf(ShapleyMath.AllBands & ~inactive).Count());
        Assert.All(ShapleyMath.Permutations(ShapleyMath.AllBands & ~inactive, 10, 1), o => Assert.Equal(7, o.Length));
    }
}
