using ILGPU;
using ILGPU.Runtime;

namespace MantisShrimp.Kernels;

/// <summary>
/// Elementwise intensity transform of a plane of raw pixels (grid-stride: each logical thread
/// walks the array with a stride equal to the grid size). The body is <see cref="IntensityTransform.Apply"/>,
/// the same code the plain C# path calls.
/// </summary>
public static class IntensityKernels
{
    public static void TransformKernel(Index1D thread, ArrayView<float> input, ArrayView<float> output, IntensityTransform transform,
        int threads)
    {
        for (long i = thread; i < input.Length; i += threads)
            output[i] = transform.Apply(input[i]);
    }

    /// <summary>Plain C# reference of <see cref="TransformKernel"/>.</summary>
    public static void TransformReference(ReadOnlySpan<float> input, Span<float> output, IntensityTransform transform)
    {
        for (int i = 0; i < input.Length; i++)
            output[i] = transform.Apply(input[i]);
    }

    /// <summary>Runs <see cref="TransformKernel"/> on <paramref name="host"/>'s accelerator and copies the result back.</summary>
    public static void Transform(AcceleratorHost host, ReadOnlySpan<float> input, Span<float> output, IntensityTransform transform)
    {
        var acc = host.Accelerator;
        var kernel = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, IntensityTransform, int>(TransformKernel);
        using var src = acc.Allocate1D<float>(input.Length);
        using var dst = acc.Allocate1D<float>(input.Length);
        src.View.AsContiguous().CopyFromCPU(input);
        int threads = host.GridStrideThreads(input.Length);
        kernel(threads, src.View, dst.View, transform, threads);
        acc.Synchronize();
        dst.View.AsContiguous().CopyToCPU(output);
    }
}
