using ILGPU;
using ILGPU.Runtime;

namespace MantisShrimp.Kernels.Shapley;

/// <summary>
/// Arguments of the Shapley composite kernel for one input segment: composite k takes channel c from the galaxy
/// (X) when bit (BandOffset + c) of Subsets[k] is set, else from its masked image (B). X and B hold the network-layout
/// input of each galaxy (sample stride = Channels × ChannelPixels); composite k belongs to galaxy GalaxyOf[k].
/// </summary>
public struct CompositeArgs
{
    public ArrayView<float> X;
    public ArrayView<float> B;
    public ArrayView<int> Subsets;
    public ArrayView<int> GalaxyOf;
    public ArrayView<float> Output;
    public int Channels;
    public int ChannelPixels;
    public int BandOffset;
    public int Composites;
}

/// <summary>Writes the band-subset composites of a batch straight into the network's input buffer.</summary>
public static class CompositeKernel
{
    public static void Kernel(Index1D thread, CompositeArgs args, int threads)
    {
        long stride = (long)args.Channels * args.ChannelPixels;
        long total = args.Composites * stride;
        for (long i = thread; i < total; i += threads)
        {
            int k = (int)(i / stride);
            int r = (int)(i - k * stride);
            args.Output[i] = Pixel(args.X, args.B, args.Subsets[k], args.GalaxyOf[k], r, args.ChannelPixels, args.BandOffset, stride);
        }
    }

    public static float Pixel(ArrayView<float> x, ArrayView<float> b, int subset, int galaxy, int r, int channelPixels, int bandOffset,
        long stride)
    {
        int c = r / channelPixels;
        long at = galaxy * stride + r;
        return ((subset >> (bandOffset + c)) & 1) != 0 ? x[at] : b[at];
    }

    /// <summary>
    /// The same composites in plain C#: whole channel planes are block-copied (the CPU path; a per-pixel select
    /// would be the kernel's body).
    /// </summary>
    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> b, ReadOnlySpan<int> subsets, ReadOnlySpan<int> galaxyOf,
        Span<float> output, int channels, int channelPixels, int bandOffset)
    {
        int stride = channels * channelPixels;
        for (int k = 0; k < subsets.Length; k++)
        {
            int g = galaxyOf[k];
            for (int c = 0; c < channels; c++)
            {
                var source = ((subsets[k] >> (bandOffset + c)) & 1) != 0 ? x : b;
                source.Slice(g * stride + c * channelPixels,
                    channelPixels).CopyTo(output.Slice(k * stride + c * channelPixels, channelPixels));
            }
        }
    }

    public static void Launch(AcceleratorHost host, CompositeArgs args)
    {
        var kernel = host.GridStrideKernel<CompositeArgs>(Kernel);
        int threads = host.GridStrideThreads((long)args.Composites * args.Channels * args.ChannelPixels);
        kernel(threads, args, threads);
    }

    /// <summary>Copies in, runs the kernel on the accelerator, copies out (tests and one-off use).</summary>
    public static void Run(AcceleratorHost host, ReadOnlySpan<float> x, ReadOnlySpan<float> b, ReadOnlySpan<int> subsets,
        ReadOnlySpan<int> galaxyOf, Span<float> output, int channels, int channelPixels, int bandOffset)
    {
        var acc = host.Accelerator;
        using var xBuf = acc.Allocate1D(x.ToArray());
        using var bBuf = acc.Allocate1D(b.ToArray());
        using var sBuf = acc.Allocate1D(subsets.ToArray());
        using var gBuf = acc.Allocate1D(galaxyOf.ToArray());
        long n = (long)subsets.Length * channels * channelPixels;
        using var outBuf = acc.Allocate1D<float>(Math.Max(1, n));
        Launch(host, new CompositeArgs
        {
            X = xBuf.View, B = bBuf.View, Subsets = sBuf.View, GalaxyOf = gBuf.View, Output = outBuf.View,
            Channels = channels, ChannelPixels = channelPixels, BandOffset = bandOffset, Composites = subsets.Length,
        });
        acc.Synchronize();
        outBuf.View.AsContiguous().SubView(0, n).CopyToCPU(output[..(int)n]);
    }
}
