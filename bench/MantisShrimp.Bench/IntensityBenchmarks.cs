using BenchmarkDotNet.Attributes;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels;

namespace MantisShrimp.Bench;

/// <summary>PS1 asinh stretch of 5×170² pixels: plain C# loop (baseline) vs the grid-stride ILGPU kernel on the CPU accelerator.</summary>
[InProcess] // in this process: the generated project would load an unpatched libtorch, and its failures went unnoticed
public class IntensityBenchmarks
{
    private float[] _input = [];
    private float[] _output = [];
    private AcceleratorHost? _host;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        _input = Enumerable.Range(0, 5 * 170 * 170).Select(_ => (float)(rng.NextDouble() * 200 - 20)).ToArray();
        _output = new float[_input.Length];
        _host = new AcceleratorHost(AcceleratorChoice.Cpu);
    }

    [GlobalCleanup]
    public void Cleanup() => _host?.Dispose();

    [Benchmark(Baseline = true)]
    public void PlainCSharp() => IntensityKernels.TransformReference(_input, _output, BandTable.PanStarrs.Transform);

    [Benchmark]
    public void IlgpuCpuAccelerator() => IntensityKernels.Transform(_host!, _input, _output, BandTable.PanStarrs.Transform);
}
