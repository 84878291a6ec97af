using ILGPU;
using ILGPU.Runtime;

namespace MantisShrimp.Kernels.Shapley;

public struct MaskedImageArgs
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

/// <summary>Builds masked images ("the band without the galaxy") for a batch of raw samples in one grid-stride pass.</summary>
public static class MaskedImageKernel
{
    public static void Kernel(Index1D thread, MaskedImageArgs args, int threads)
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

    /// <summary>One masked image pixel: the raw value outside the mask, background noise inside it.</summary>
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

    public static void Launch(AcceleratorHost host, MaskedImageArgs args)
    {
        var kernel = host.GridStrideKernel<MaskedImageArgs>(Kernel);
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
        Launch(host, new MaskedImageArgs
        {
            Raw = rawBuf.View, Output = outBuf.View, Masks = maskBuf.View, PlaneStart = startBuf.View, PlaneSize = sizeBuf.View,
            Bands = planeSize.Length, SampleStride = stride, Samples = samples,
        });
        acc.Synchronize();
        outBuf.View.AsContiguous().SubView(0, n).CopyToCPU(output[..(int)n]);
    }
}
