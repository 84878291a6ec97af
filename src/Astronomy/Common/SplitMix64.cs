namespace MantisShrimp.Engine.Common;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014): a tiny, fast generator whose output is fixed by its seed on
/// every platform and .NET version — unlike System.Random, whose algorithm is an implementation detail.
/// Every random step in the engine derives its stream from a user seed through <see cref="ForStream"/>.
/// </summary>
public struct SplitMix64(ulong seed)
{
    /// <summary>SplitMix64's increment, 2^64/φ (Steele et al. 2014): draw i of a state s is Mix(s + i·Gamma).</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// An arbitrary odd constant unrelated to <see cref="Gamma"/>: it separates the stream word from the seed word
    /// before mixing (Mix(0) = 0, so unsalted, stream 0 would hash like seed 0 does).
    /// </summary>
    private const ulong StreamSalt = 0xD1B54A32D192ED03UL;

    private ulong _state = seed;

    /// <summary>
    /// A generator for sub-stream <paramref name="stream"/> of <paramref name="seed"/> (e.g. one per sample).
    /// Both words go through SplitMix64's finaliser before they meet, and the result through it once more:
    /// state = Mix(Mix(seed + Γ) ⊕ Mix(stream + salt)). For a fixed seed the map stream → state is a bijection
    /// (distinct streams start in distinct states), and the states are unrelated to each other, so two streams
    /// overlap within n draws only with probability ≈ 2n/2^64 — independent for every seed, 0 included.
    /// (Seeding with seed ⊕ Γ·(stream + 1) made stream k + 1 of seed 0 stream k shifted by one draw.)
    /// </summary>
    public static SplitMix64 ForStream(ulong seed, ulong stream) =>
        new(Mix(Mix(seed + Gamma) ^ Mix(stream + StreamSalt)));

    /// <summary>SplitMix64's output function (the MurmurHash3 finaliser with Stafford's "Mix13" constants): a bijection.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => Mix(_state += Gamma);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's method).</summary>
    public long NextInt64(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong un = (ulong)n;
        ulong threshold = (0UL - un) % un;
        while (true)
        {
            ulong x = NextUInt64();
            ulong hi = Math.BigMul(x, un, out ulong lo);
            if (lo >= threshold) return (long)hi;
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextInt64(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
