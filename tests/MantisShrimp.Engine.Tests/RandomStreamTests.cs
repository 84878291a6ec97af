using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Tests;

/// <summary>Independence of <see cref="SplitMix64.ForStream"/>'s sub-streams, checked by brute force.</summary>
public class RandomStreamTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(42UL)]
    public void No_two_of_10000_streams_share_any_of_their_first_64_draws(ulong seed)
    {
        // 640 000 random 64-bit words collide by chance with probability ≈ 1e-8; shifted or aliased streams collide at once.
        var seen = new Dictionary<ulong, (ulong Stream, int Draw)>(640_000);
        for (ulong s = 0; s < 10_000; s++)
        {
            var rng = SplitMix64.ForStream(seed, s);
            for (int d = 0; d < 64; d++)
            {
                ulong x = rng.NextUInt64();
                if (!seen.TryAdd(x, (s, d)))
                    Assert.Fail($"seed {seed}: stream {s} draw {d} repeats stream {seen[x].Stream} draw {seen[x].Draw}");
            }
        }
    }

    [Fact]
    public void Streams_of_nearby_seeds_share_no_draws()
    {
        // Seeds 0 … 99 × streams 0 … 99: user seeds are small integers, and call sites xor purpose constants into them.
        var seen = new HashSet<ulong>();
        for (ulong seed = 0; seed < 100; seed++)
            for (ulong s = 0; s < 100; s++)
            {
                var rng = SplitMix64.ForStream(seed, s);
                for (int d = 0; d < 64; d++) Assert.True(seen.Add(rng.NextUInt64()), $"seed {seed} stream {s} draw {d} repeats");
            }
    }

    [Fact]
    public void Stream_starts_are_uncorrelated_with_the_stream_index()
    {
        // The first uniform of streams 0 … 99 999: mean ½, variance 1/12, lag-1 serial correlation ≈ 0 (σ ≈ 0.003).
        const int n = 100_000;
        var u = new double[n];
        for (int s = 0; s < n; s++) u[s] = SplitMix64.ForStream(7, (ulong)s).NextDouble();
        double mean = u.Average(), var = u.Sum(x => (x - mean) * (x - mean)) / n;
        double lag = 0;
        for (int s = 1; s < n; s++) lag += (u[s] - mean) * (u[s - 1] - mean);
        lag /= (n - 1) * var;
        Assert.InRange(mean, 0.5 - 0.005, 0.5 + 0.005);
        Assert.InRange(var, 1.0 / 12 - 0.002, 1.0 / 12 + 0.002);
        Assert.InRange(lag, -0.015, 0.015);
    }

    [Fact]
    public void A_stream_is_reproducible_and_the_generator_is_SplitMix64()
    {
        var a = SplitMix64.ForStream(42, 7);
        var b = SplitMix64.ForStream(42, 7);
        for (int i = 0; i < 10; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        // SplitMix64 itself: the published first output for state 0 (Vigna's splitmix64.c), 0xE220A8397B1DCDAF.
        Assert.Equal(0xE220A8397B1DCDAFUL, new SplitMix64(0).NextUInt64());
    }
}
