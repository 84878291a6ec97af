namespace MantisShrimp.Engine.Common;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014): a tiny, fast generator whose output is fixed by its seed on
/// every platform and .NET version — unlike System.Random, whose algorithm is an implementation detail.
/// Every random step in the engine derives its stream from a user seed through this type.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for sub-stream <paramref name="stream"/> of <paramref name="seed"/> (e.g. one per sample).</summary>
    public static SplitMix64 ForStream(ulong seed, ulong stream)
    {
        var g = new SplitMix64(seed ^ 0x9E3779B97F4A7C15UL * (stream + 1));
        g.NextUInt64();
        return g;
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's method).</summary>
    public long NextInt64(long n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
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
