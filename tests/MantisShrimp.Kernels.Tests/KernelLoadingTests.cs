using MantisShrimp.Kernels.Input;
using MantisShrimp.Kernels.Shapley;

namespace MantisShrimp.Kernels.Tests;

/// <summary>The Launch helpers load each kernel once per accelerator (issue 20 item 6), not on every call.</summary>
public class KernelLoadingTests
{
    [Fact]
    public void A_kernel_is_loaded_once_per_accelerator()
    {
        using var host = new AcceleratorHost(AcceleratorChoice.Cpu);
        var composite = host.GridStrideKernel<CompositeArgs>(CompositeKernel.Kernel);
        Assert.Same(composite, host.GridStrideKernel<CompositeArgs>(CompositeKernel.Kernel));
        var masked = host.GridStrideKernel<MaskedImageArgs>(MaskedImageKernel.Kernel);
        Assert.Same(masked, host.GridStrideKernel<MaskedImageArgs>(MaskedImageKernel.Kernel));
        Assert.Same(host.GridStrideKernel<FusedArgs>(FusedInputKernel.Kernel), host.GridStrideKernel<FusedArgs>(FusedInputKernel.Kernel));
        Assert.NotSame(composite, masked);

        // Another accelerator compiles its own.
        using var other = new AcceleratorHost(AcceleratorChoice.Cpu);
        Assert.NotSame(composite, other.GridStrideKernel<CompositeArgs>(CompositeKernel.Kernel));
    }
}
