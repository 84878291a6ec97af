using ILGPU.Algorithms;

namespace MantisShrimp.Kernels.Shapley;

/// <summary>
/// A standard normal deviate from (seed, counter) alone: both words go through SplitMix64's finaliser before they
/// meet, and the result once more, giving two uniforms; Box–Muller turns them into N(0, 1). Stateless, so any thread
/// on any accelerator draws the same value for the same pixel. (Hashing seed + Γ·(counter + 1) made seed s + Γ draw
/// seed s's values shifted by one pixel: keys on one Weyl sequence shared their noise.)
/// </summary>
public static class CounterNormal
{
    /// <summary>SplitMix64's increment (Steele, Lea &amp; Flood 2014), as in the Engine's SplitMix64.</summary>
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>An arbitrary odd constant unrelated to Γ that salts the counter word (Mix(0) = 0).</summary>
    private const ulong CounterSalt = 0xD1B54A32D192ED03UL;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The 64 random bits of (seed, counter).</summary>
    public static ulong Bits(ulong seed, ulong counter) => Mix(Mix(seed + Gamma) ^ Mix(counter + CounterSalt));

    public static float Sample(ulong seed, ulong counter)
    {
        ulong h = Bits(seed, counter);
        // Two 24-bit uniforms in (0, 1): exact in float, never 0.
        float u1 = ((h >> 40) + 0.5f) * (1f / 16777216f);
        float u2 = (((h >> 16) & 0xFFFFFF) + 0.5f) * (1f / 16777216f);
        return XMath.Sqrt(-2f * XMath.Log(u1)) * XMath.Cos(2f * XMath.PI * u2);
    }
}
