using System.Collections.Concurrent;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace MantisShrimp.Kernels;

/// <summary>
/// Owns the ILGPU context and one accelerator, and decides launch geometry for it.
/// ILGPU's CPU accelerator simulates every logical GPU thread, so one thread per pixel is
/// ~200× slower than plain C# there; grid-stride kernels launched with a few threads per core
/// match plain C#. On CUDA the same kernels get many blocks.
/// </summary>
public sealed class AcceleratorHost : IDisposable
{
    /// <summary>Logical threads per CPU core for grid-stride kernels on the CPU accelerator.</summary>
    public const int CpuThreadsPerCore = 4;

    /// <summary>
    /// Logical threads per streaming multiprocessor for grid-stride kernels on GPUs: 2048, the most threads an SM keeps
    /// resident (Volta to Hopper), enough to hide memory latency. Not a block size: the kernels are launched
    /// auto-grouped, so ILGPU picks the group size.
    /// </summary>
    public const int GpuThreadsPerMultiprocessor = 2048;

    private readonly Context _context;
    // Loaded kernels by kernel method: ILGPU compiles (or at least re-binds) a kernel on every Load call, so the Launch
    // helpers load each kernel once per accelerator, as the pipeline's IlgpuPath and ShapleyKernelHost do.
    private readonly ConcurrentDictionary<MethodInfo, Delegate> _kernels = new();

    public AcceleratorHost(AcceleratorChoice choice = AcceleratorChoice.Auto)
    {
        _context = Context.Create(builder => builder.Default().EnableAlgorithms());
        Accelerator = Create(_context, choice);
    }

    public Accelerator Accelerator { get; }

    public bool IsCpu => Accelerator.AcceleratorType == AcceleratorType.CPU;

    /// <summary>Total logical threads for a grid-stride launch over <paramref name="workItems"/> items.</summary>
    public int GridStrideThreads(long workItems)
    {
        long threads = IsCpu
            ? (long)Environment.ProcessorCount * CpuThreadsPerCore
            : (long)Math.Max(1, Accelerator.NumMultiprocessors) * GpuThreadsPerMultiprocessor;
        return (int)Math.Clamp(Math.Min(threads, Math.Max(workItems, 1)), 1, int.MaxValue);
    }

    /// <summary>
    /// <paramref name="kernel"/> loaded as an auto-grouped stream kernel on this accelerator: loaded on the first call,
    /// the same launcher afterwards.
    /// </summary>
    public Action<Index1D, TArgs, int> GridStrideKernel<TArgs>(Action<Index1D, TArgs, int> kernel) where TArgs : struct =>
        (Action<Index1D, TArgs, int>)_kernels.GetOrAdd(kernel.Method,
            _ => Accelerator.LoadAutoGroupedStreamKernel(kernel));

    private static Accelerator Create(Context context, AcceleratorChoice choice)
    {
        if (choice != AcceleratorChoice.Cpu)
        {
            var cuda = context.GetCudaDevices();
            if (cuda.Count > 0) return cuda[0].CreateAccelerator(context);
            if (choice == AcceleratorChoice.Cuda)
                throw new InvalidOperationException("--accelerator cuda was requested but ILGPU found no CUDA device.");
        }
        // A CPU device with one simulated multiprocessor per core, so kernels use every core.
        var cpu = new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: CpuThreadsPerCore / 4 > 0 ? CpuThreadsPerCore / 4 : 1,
            numMultiprocessors: Environment.ProcessorCount);
        return cpu.CreateCPUAccelerator(context);
    }

    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }
}
