using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace MantisShrimp.Kernels.Shapley;

/// <summary>
/// What the baseline of one band of one sample hides: pixels with cxx·dx² + cyy·dy² + cxy·dx·dy ≤ 1 about (X, Y)
/// are replaced by Back + Rms·N(0, 1); N comes from a counter-based generator keyed by (Seed, pixel), so the
/// result does not depend on how the work is split over threads.
/// </summary>
public struct BandMask
{
    public float X, Y, Cxx, Cyy, Cxy, Back, Rms;
    public ulong Seed;
}

public struct BaselineArgs
{
    public ArrayView<float> Raw;
    public ArrayView<float> Output;
    /// <summary>[samples × bands] masks, sample-major.</summary>
    public ArrayView<BandMask> Masks;
    /// <summary>Start of each band's plane within a sample (bands + 1 entries; the last is the sample's length).</summary>
    public ArrayView<int> PlaneStart;
    /// <summary>Side length of each band's square plane.</summary>
    public ArrayView<int> PlaneSize;
    public int Bands;
    public int SampleStride;
    public int Samples;
}

/// <summary>Builds baselines ("the band without the galaxy") for a batch of raw samples in one grid-stride pass.</summary>
public static class BaselineKernel
{
    public static void Kernel(Index1D thread, BaselineArgs args, int threads)
    {
        long total = (long)args.Samples * args.SampleStride;
        for (long i = thread; i < total; i += threads)
        {
            int sample = (int)(i / args.SampleStride);
            int q = (int)(i - (long)sample * args.SampleStride);
            int band = 0;
            while (band + 1 < args.Bands && args.PlaneStart[band + 1] <= q) band++;
            int local = q - args.PlaneStart[band];
            args.Output[i] = Pixel(args.Raw[i], args.Masks[(long)sample * args.Bands + band], local, args.PlaneSize[band]);
        }
    }

    /// <summary>One baseline pixel: the raw value outside the mask, background noise inside it.</summary>
    public static float Pixel(float raw, BandMask m, int local, int size)
    {
        int y = local / size, x = local - y * size;
        float dx = x - m.X, dy = y - m.Y;
        if (m.Cxx * dx * dx + m.Cyy * dy * dy + m.Cxy * dx * dy > 1f) return raw;
        return m.Back + m.Rms * CounterNormal.Sample(m.Seed, (ulong)local);
    }

    /// <summary>Plain C# over the same body (what the CPU path and the tests call).</summary>
    public static void Run(ReadOnlySpan<float> raw, Span<float> output, ReadOnlySpan<BandMask> masks, ReadOnlySpan<int> planeStart,
        ReadOnlySpan<int> planeSize, int samples)
    {
        int bands = planeSize.Length, stride = planeStart[bands];
        for (int s = 0; s < samples; s++)
            for (int b = 0; b < bands; b++)
            {
                var m = masks[s * bands + b];
                int start = s * stride + planeStart[b], size = planeSize[b];
                for (int local = 0; local < size * size; local++)
                    output[start + local] = Pixel(raw[start + local], m, local, size);
            }
    }

    public static void Launch(AcceleratorHost host, BaselineArgs args)
    {
        var kernel = host.GridStrideKernel<BaselineArgs>(Kernel);
        int threads = host.GridStrideThreads((long)args.Samples * args.SampleStride);
        kernel(threads, args, threads);
    }

    /// <summary>Copies in, runs the kernel on the accelerator, copies out (tests and one-off use).</summary>
    public static void Run(AcceleratorHost host, ReadOnlySpan<float> raw, Span<float> output, ReadOnlySpan<BandMask> masks,
        ReadOnlySpan<int> planeStart, ReadOnlySpan<int> planeSize, int samples)
    {
        var acc = host.Accelerator;
        int stride = planeStart[planeSize.Length];
        long n = (long)samples * stride;
        using var rawBuf = acc.Allocate1D<float>(Math.Max(1, n));
        using var outBuf = acc.Allocate1D<float>(Math.Max(1, n));
        using var maskBuf = acc.Allocate1D(masks.ToArray());
        using var startBuf = acc.Allocate1D(planeStart.ToArray());
        using var sizeBuf = acc.Allocate1D(planeSize.ToArray());
        rawBuf.View.AsContiguous().SubView(0, n).CopyFromCPU(raw[..(int)n]);
        Launch(host, new BaselineArgs
        {
            Raw = rawBuf.View, Output = outBuf.View, Masks = maskBuf.View, PlaneStart = startBuf.View, PlaneSize = sizeBuf.View,
            Bands = planeSize.Length, SampleStride = stride, Samples = samples,
        });
        acc.Synchronize();
        outBuf.View.AsContiguous().SubView(0, n).CopyToCPU(output[..(int)n]);
    }
}

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
