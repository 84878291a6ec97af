using MantisShrimp.Kernels;

namespace MantisShrimp.Kernels.Tests;

public class IntensityKernelTests
{
    private static readonly IntensityTransform[] Transforms =
    [
        new(IntensityTransformKind.LinearClip, 0.05f, 1f),
        new(IntensityTransformKind.AsinhStretch, 0.08f, 8f),
        new(IntensityTransformKind.AsinhStretch, 0.6f, 6f, nanFill: -1f),
    ];

    private static float[] Inputs()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 10_000).Select(_ => (float)((rng.NextDouble() - 0.3) * Math.Pow(10, rng.Next(-4, 7)))).ToList();
        values.AddRange([0f, -0f, float.NaN, 1e-30f, -1e-30f, 1e30f, -1e30f, float.MaxValue, 0.05f, 1e-4f]);
        return values.ToArray();
    }

    [Fact]
    public void Kernel_matches_reference_on_cpu_accelerator()
    {
        using var host = new AcceleratorHost(AcceleratorChoice.Cpu);
        var input = Inputs();
        foreach (var t in Transforms)
        {
            var expected = new float[input.Length];
            var actual = new float[input.Length];
            IntensityKernels.TransformReference(input, expected, t);
            IntensityKernels.Transform(host, input, actual, t);
            for (int i = 0; i < input.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])),
                    $"{t.Kind} x={input[i]}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void Asinh_is_accurate_over_the_float_range()
    {
        foreach (double x in new[] { 0, 1e-8, -1e-5, 1e-3, 0.5, -2, 10, 1e4, -1e8, 1e20, 3e38 })
        {
            double expected = Math.Asinh(x);
            float got = IntensityTransform.Asinh((float)x);
            Assert.True(Math.Abs(got - expected) <= 2e-6 * Math.Max(1, Math.Abs(expected)) + 1e-12,
                $"asinh({x}) = {got}, expected {expected}");
        }
    }

    [Fact]
    public void Nan_fills_and_clipping()
    {
        var t = Transforms[2];
        Assert.Equal(-1f, t.Apply(float.NaN));
        Assert.Equal(0f, t.Apply(-5f));
        Assert.Equal(1f, Transforms[0].Apply(1f));
        Assert.Equal(0.5f, Transforms[0].Apply(0.025f), 6);
    }

    [Fact]
    public void Cpu_launch_uses_every_core()
    {
        using var host = new AcceleratorHost(AcceleratorChoice.Cpu);
        Assert.True(host.IsCpu);
        Assert.Equal(Environment.ProcessorCount * AcceleratorHost.CpuThreadsPerCore, host.GridStrideThreads(1_000_000));
        Assert.Equal(5, host.GridStrideThreads(5));
    }
}
