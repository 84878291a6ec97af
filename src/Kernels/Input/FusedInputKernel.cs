using ILGPU;
using ILGPU.Runtime;

namespace MantisShrimp.Kernels.Input;

/// <summary>Everything the fused kernel reads and writes, as one kernel parameter.</summary>
public struct FusedArgs
{
    public ArrayView<float> Raw;
    public int RawSampleStride;
    public ArrayView<SampleAugment> Augment;
    public ArrayView<ChannelPlan> Channels;
    public int ChannelCount;
    public int PixelsPerSample;
    public ArrayView<int> TapStart;
    public ArrayView<int> TapCount;
    public ArrayView<float> TapWeights;
    public ArrayView<float> Output;
    public int Samples;
}

/// <summary>
/// The fused input kernel: raw native pixels → intensity transform (NaN fill) → rotation (bilinear, zero
/// outside) → flips → centre crop → antialiased bilinear resize, written straight into the network's input
/// layout with no intermediate images. One logical thread per output pixel of the flattened batch, walked as a
/// grid-stride loop so the same code runs with a few threads per core on the CPU accelerator and many on CUDA.
/// </summary>
public static class FusedInputKernel
{
    public static void Kernel(Index1D thread, FusedArgs args, int threads)
    {
        long total = (long)args.Samples * args.PixelsPerSample;
        for (long i = thread; i < total; i += threads)
        {
            int sample = (int)(i / args.PixelsPerSample);
            int p = (int)(i - (long)sample * args.PixelsPerSample);
            int c = 0;
            while (c + 1 < args.ChannelCount && args.Channels[c + 1].PixelStart <= p) c++;
            var ch = args.Channels[c];
            int q = p - ch.PixelStart;
            int oy = q / ch.OutputSize, ox = q - oy * ch.OutputSize;
            args.Output[ch.SegmentBase + (long)sample * ch.SegmentSampleStride + ch.ChannelOffset + q] =
                OutputPixel(args, ch, args.Augment[sample], (long)sample * args.RawSampleStride + ch.InputOffset, ox, oy);
        }
    }

    /// <summary>One output pixel: the resize taps over the rotated crop (or the crop pixel itself without resize).</summary>
    public static float OutputPixel(FusedArgs args, ChannelPlan ch, SampleAugment a, long planeBase, int ox, int oy)
    {
        if (ch.ResizeOffset < 0)
            return RotatedSample(args.Raw, planeBase, ch, a, ox, oy);
        int ry = ch.ResizeOffset + oy, rx = ch.ResizeOffset + ox;
        int y0 = args.TapStart[ry], ny = args.TapCount[ry];
        int x0 = args.TapStart[rx], nx = args.TapCount[rx];
        float sum = 0f;
        for (int ty = 0; ty < ny; ty++)
        {
            float wy = args.TapWeights[ry * AntialiasResize.MaxTaps + ty];
            float row = 0f;
            for (int tx = 0; tx < nx; tx++)
                row += args.TapWeights[rx * AntialiasResize.MaxTaps + tx] * RotatedSample(args.Raw, planeBase, ch, a, x0 + tx, y0 + ty);
            sum += wy * row;
        }
        return sum;
    }

    /// <summary>Bilinear sample of the transformed native plane at the position crop pixel (cx, cy) maps to.</summary>
    public static float RotatedSample(ArrayView<float> raw, long planeBase, ChannelPlan ch, SampleAugment a, int cx, int cy)
    {
        AugmentGeometry.CropToNative(cx, cy, ch.CropSize, ch.NativeSize, a, out float sx, out float sy);
        Bilinear.Setup(sx, sy, out int x0, out int y0, out float fx, out float fy);
        int n = ch.NativeSize;
        float v00 = Tap(raw, planeBase, n, x0, y0, ch.Transform);
        float v10 = Tap(raw, planeBase, n, x0 + 1, y0, ch.Transform);
        float v01 = Tap(raw, planeBase, n, x0, y0 + 1, ch.Transform);
        float v11 = Tap(raw, planeBase, n, x0 + 1, y0 + 1, ch.Transform);
        return Bilinear.Blend(v00, v10, v01, v11, fx, fy);
    }

    private static float Tap(ArrayView<float> raw, long planeBase, int n, int x, int y, IntensityTransform t) =>
        (uint)x < (uint)n && (uint)y < (uint)n ? t.Apply(raw[planeBase + (long)y * n + x]) : 0f;

    /// <summary>
    /// Convenience for tests and tools: copies a host batch to the accelerator, runs the kernel and copies the
    /// output back. The pipeline instead keeps buffers resident (or, on the CPU accelerator, wraps host memory).
    /// </summary>
    public static void Run(AcceleratorHost host, InputLayout layout, ReadOnlySpan<float> raw, int samples,
        ReadOnlySpan<SampleAugment> augment, Span<float> output)
    {
        var acc = host.Accelerator;
        using var rawBuf = acc.Allocate1D<float>(Math.Max(1, (long)samples * layout.RawSampleStride));
        using var augBuf = acc.Allocate1D<SampleAugment>(Math.Max(1, samples));
        using var chBuf = acc.Allocate1D(layout.Channels);
        using var startBuf = acc.Allocate1D(layout.TapStart);
        using var countBuf = acc.Allocate1D(layout.TapCount);
        using var weightBuf = acc.Allocate1D(layout.TapWeights);
        using var outBuf = acc.Allocate1D<float>(layout.OutputLength);
        rawBuf.View.AsContiguous().SubView(0,
            (long)samples * layout.RawSampleStride).CopyFromCPU(raw[..(samples * layout.RawSampleStride)]);
        augBuf.View.AsContiguous().SubView(0, samples).CopyFromCPU(augment[..samples]);
        outBuf.MemSetToZero();
        var args = Args(layout, samples, rawBuf.View, augBuf.View, chBuf.View, startBuf.View, countBuf.View, weightBuf.View, outBuf.View);
        Launch(host, args);
        acc.Synchronize();
        outBuf.View.AsContiguous().CopyToCPU(output[..(int)layout.OutputLength]);
    }

    public static FusedArgs Args(InputLayout layout, int samples, ArrayView<float> raw, ArrayView<SampleAugment> augment,
        ArrayView<ChannelPlan> channels, ArrayView<int> tapStart, ArrayView<int> tapCount, ArrayView<float> tapWeights,
            ArrayView<float> output) => new()
    {
        Raw = raw,
        RawSampleStride = layout.RawSampleStride,
        Augment = augment,
        Channels = channels,
        ChannelCount = layout.Channels.Length,
        PixelsPerSample = layout.PixelsPerSample,
        TapStart = tapStart,
        TapCount = tapCount,
        TapWeights = tapWeights,
        Output = output,
        Samples = samples,
    };

    /// <summary>Runs the kernel on <paramref name="host"/>'s accelerator over device buffers already filled.</summary>
    public static void Launch(AcceleratorHost host, FusedArgs args)
    {
        var kernel = host.GridStrideKernel<FusedArgs>(Kernel);
        int threads = host.GridStrideThreads((long)args.Samples * args.PixelsPerSample);
        kernel(threads, args, threads);
    }
}
