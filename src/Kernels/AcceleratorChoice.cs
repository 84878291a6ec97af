namespace MantisShrimp.Kernels;

/// <summary>Which ILGPU back end to run kernels on.</summary>
public enum AcceleratorChoice
{
    /// <summary>CUDA when a CUDA device is present, else the CPU accelerator.</summary>
    Auto,
    Cpu,
    Cuda,
}
