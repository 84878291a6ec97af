using MantisShrimp.Kernels.Input;

namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>Which implementation turns raw pixels into network input.</summary>
public enum TransformBackend
{
    /// <summary>The SIMD C# path (<see cref="FusedInputCpu"/>): the faster one on CPUs (see docs/performance.md).</summary>
    Simd,
    /// <summary>The ILGPU kernel on an accelerator (CPU accelerator: zero-copy over the pinned buffers; CUDA: device buffers).</summary>
    Ilgpu,
}
