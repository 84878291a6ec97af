using ILGPU;
using ILGPU.Runtime;

namespace MantisShrimp.Kernels.Shapley;

/// <summary>
/// The Shapley kernels (<see cref="MaskedImageKernel"/>, <see cref="CompositeKernel"/>) on one ILGPU accelerator,
/// loaded once; device buffers grow to the largest request and are reused. The network input of a group of
/// galaxies and their masked images is copied to the device once (<see cref="SetInput"/>); each batch of composites is
/// then built there and copied back into the caller's pinned buffer, which torch reads.
/// </summary>
public sealed class ShapleyKernelHost : IDisposable
{
    private readonly Action<Index1D, MaskedImageArgs, int> _maskedImage;
    private readonly Action<Index1D, CompositeArgs, int> _composite;
    private MemoryBuffer1D<float, Stride1D.Dense>? _raw, _maskedOut, _input, _compositeOut;
    private MemoryBuffer1D<BandMask, Stride1D.Dense>? _masks;
    private MemoryBuffer1D<int, Stride1D.Dense>? _planeStart, _planeSize, _subsets, _galaxyOf;

    public ShapleyKernelHost(AcceleratorChoice choice)
    {
        Host = new AcceleratorHost(choice);
        _maskedImage = Host.Accelerator.LoadAutoGroupedStreamKernel<Index1D, MaskedImageArgs, int>(MaskedImageKernel.Kernel);
        _composite = Host.Accelerator.LoadAutoGroupedStreamKernel<Index1D, CompositeArgs, int>(CompositeKernel.Kernel);
    }

    public AcceleratorHost Host { get; }

    private MemoryBuffer1D<T, Stride1D.Dense> Grow<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, long length) where T : unmanaged
    {
        length = Math.Max(1, length);
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = Host.Accelerator.Allocate1D<T>(length);
        }
        return buffer;
    }

    private ArrayView<T> Upload<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, ReadOnlySpan<T> data) where T : unmanaged
    {
        var view = Grow(ref buffer, data.Length).View.AsContiguous();
        if (data.Length > 0) view.SubView(0, data.Length).CopyFromCPU(data);
        return view.SubView(0, Math.Max(1, data.Length));
    }

    /// <summary>Masked images of <paramref name="samples"/> raw samples (same arguments as <see
    /// cref="MaskedImageKernel.Run(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{BandMask}, ReadOnlySpan{int}, ReadOnlySpan{int},
    /// int)"/>).</summary>
    public void MaskedImages(ReadOnlySpan<float> raw, Span<float> output, ReadOnlySpan<BandMask> masks, ReadOnlySpan<int> planeStart,
        ReadOnlySpan<int> planeSize, int samples)
    {
        int stride = planeStart[planeSize.Length];
        int n = samples * stride;
        var args = new MaskedImageArgs
        {
            Raw = Upload(ref _raw, raw[..n]), Output = Grow(ref _maskedOut, n).View, Masks = Upload(ref _masks, masks),
            PlaneStart = Upload(ref _planeStart, planeStart), PlaneSize = Upload(ref _planeSize, planeSize),
            Bands = planeSize.Length, SampleStride = stride, Samples = samples,
        };
        int threads = Host.GridStrideThreads(n);
        _maskedImage(threads, args, threads);
        Host.Accelerator.Synchronize();
        _maskedOut!.View.AsContiguous().SubView(0, n).CopyToCPU(output[..n]);
    }

    /// <summary>Copies the network input of the current group (galaxies, then masked images, every segment) to the device.</summary>
    public void SetInput(ReadOnlySpan<float> input) => Upload(ref _input, input);

    /// <summary>
    /// Composites of one segment from the input set by <see cref="SetInput"/>: the galaxies' segment starts at
    /// <paramref name="xOffset"/>, their masked images' at <paramref name="bOffset"/>; arguments as <see
    /// cref="CompositeKernel.Run(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{int}, Span{float}, int, int,
    /// int)"/>.
    /// </summary>
    public void Composites(long xOffset, long bOffset, long length, ReadOnlySpan<int> subsets, ReadOnlySpan<int> galaxyOf,
        Span<float> output, int channels, int channelPixels, int bandOffset)
    {
        var input = _input ?? throw new InvalidOperationException("SetInput first.");
        long n = (long)subsets.Length * channels * channelPixels;
        var args = new CompositeArgs
        {
            X = input.View.SubView(xOffset, length), B = input.View.SubView(bOffset, length),
            Subsets = Upload(ref _subsets, subsets), GalaxyOf = Upload(ref _galaxyOf, galaxyOf), Output = Grow(ref _compositeOut, n).View,
            Channels = channels, ChannelPixels = channelPixels, BandOffset = bandOffset, Composites = subsets.Length,
        };
        int threads = Host.GridStrideThreads(n);
        _composite(threads, args, threads);
        Host.Accelerator.Synchronize();
        _compositeOut!.View.AsContiguous().SubView(0, n).CopyToCPU(output[..(int)n]);
    }

    public void Dispose()
    {
        var buffers = new MemoryBuffer?[] { _raw, _maskedOut, _input, _compositeOut, _masks, _planeStart, _planeSize, _subsets,
            _galaxyOf };
        foreach (var b in buffers)
            b?.Dispose();
        Host.Dispose();
    }
}
