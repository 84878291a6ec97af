using BenchmarkDotNet.Attributes;
using MantisShrimp.Engine.Benchmarks;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels;
using MantisShrimp.Kernels.Input;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Bench;

/// <summary>
/// Raw samples → early-fusion input [B, 9, 120, 120] for one batch: the libtorch op chain (baseline) vs the
/// fused SIMD C# path vs the fused ILGPU kernel on the CPU accelerator. Same random raw pixels and augmentation.
/// In-process: libtorch's native library must be the copy the build patched (native/apply-torchsharp-fix.sh),
/// which a BenchmarkDotNet-generated project's output folder does not get.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class InputBenchmarks
{
    [Params(64)]
    public int Batch { get; set; }

    private float[] _raw = [];
    private SampleAugment[] _augment = [];
    private float[] _output = [];
    private InputLayout _layout = null!;
    private FusedInputCpu _cpu = null!;
    private AcceleratorHost _host = null!;
    private Tensor _rawTensor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        _raw = new float[Batch * BandTable.NativePixelsPerSample];
        for (int i = 0; i < _raw.Length; i++) _raw[i] = (float)((rng.NextDouble() - 0.1) * 50);
        _augment = new SampleAugment[Batch];
        AugmentPolicy.Training(1).Fill(0, Batch, _augment);
        _layout = InputLayouts.Create(FusionKind.Early, Batch);
        _output = new float[_layout.OutputLength];
        _cpu = new FusedInputCpu(_layout);
        _host = new AcceleratorHost(AcceleratorChoice.Cpu);
        _rawTensor = torch.tensor(_raw, [Batch, BandTable.NativePixelsPerSample]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        _rawTensor.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void LibtorchChain()
    {
        using var scope = NewDisposeScope();
        TorchInputChain.EarlyFusion(_rawTensor, _augment);
    }

    [Benchmark]
    public void FusedSimd() => _cpu.Run(_raw, Batch, _augment, _output);

    [Benchmark]
    public void FusedIlgpuCpuAccelerator() => FusedInputKernel.Run(_host, _layout, _raw, Batch, _augment, _output);
}
