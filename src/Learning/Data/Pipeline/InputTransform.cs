using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Kernels;
using MantisShrimp.Kernels.Input;

namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>
/// The input preparation every consumer of network input shares (the training/scoring pipeline, Shapley): raw
/// native pixels → network layout, by the SIMD C# path over a <see cref="WorkCrew"/> with fixed per-worker scratch,
/// or by the ILGPU kernel (loaded once) on an accelerator. Raw and augmentation arrays must be pinned
/// (<c>GC.AllocateArray(…, pinned: true)</c>) and the output a <see cref="PinnedBuffer{T}"/>: the CPU accelerator
/// reads and writes them in place, and per array the wrappers or device buffers are made once and reused.
/// </summary>
public sealed unsafe class InputTransform : IDisposable
{
    private readonly WorkCrew _crew;
    private readonly bool _ownsCrew;
    private readonly FusedInputCpu _cpu;
    private readonly FusedInputCpu.Scratch[] _scratch;
    private readonly Action<int, int> _item;
    private readonly IlgpuPath? _ilgpu;
    private float* _raw, _output;
    private SampleAugment* _augment;

    public InputTransform(InputLayout layout, TransformBackend backend = TransformBackend.Simd,
        AcceleratorChoice accelerator = AcceleratorChoice.Cpu, int workers = 0)
        : this(layout, backend, accelerator,
            new WorkCrew((workers > 0 ? workers : workers == 0 ? Environment.ProcessorCount
                : throw new ArgumentOutOfRangeException(nameof(workers), workers, "0 (all cores) or more")) - 1, "mantis input"), true)
    {
    }

    internal InputTransform(InputLayout layout, TransformBackend backend, AcceleratorChoice accelerator, WorkCrew crew, bool ownsCrew)
    {
        Layout = layout;
        Backend = backend;
        _crew = crew;
        _ownsCrew = ownsCrew;
        _cpu = new FusedInputCpu(layout);
        _scratch = Enumerable.Range(0, crew.Width).Select(_ => _cpu.CreateScratch()).ToArray();
        _item = Item;
        if (backend == TransformBackend.Ilgpu) _ilgpu = new IlgpuPath(layout, accelerator);
    }

    public InputLayout Layout { get; }
    public TransformBackend Backend { get; }

    /// <summary>The ILGPU accelerator's type when the kernel runs on one.</summary>
    public string? AcceleratorType => _ilgpu?.Host.Accelerator.AcceleratorType.ToString();

    /// <summary>
    /// Transforms samples 0..count−1 of <paramref name="raw"/> into <paramref name="output"/>. A failing (sample,
    /// channel) item surfaces as <see cref="WorkItemException"/> with item = sample × channels + channel.
    /// </summary>
    public void Run(float[] raw, SampleAugment[] augment, int count, PinnedBuffer<float> output)
    {
        if (raw.Length < (long)count * Layout.RawSampleStride) throw new ArgumentException("Raw buffer too small.");
        if (output.Length < Layout.OutputLength) throw new ArgumentException("Output buffer too small.");
        if (augment.Length < count) throw new ArgumentException("One augmentation per sample.");
        if (count == 0) return;
        if (_ilgpu is not null)
        {
            _ilgpu.Run(raw, augment, count, output);
            return;
        }
        fixed (float* r = raw)
        fixed (SampleAugment* a = augment)
        {
            _raw = r;
            _augment = a;
            _output = output.Pointer;
            try
            {
                _crew.Run(count * Layout.Channels.Length, _item);
            }
            finally
            {
                _raw = _output = null;
                _augment = null;
            }
        }
    }

    private void Item(int item, int worker) => _cpu.Process(_raw, _augment, _output, item, _scratch[worker]);

    public void Dispose()
    {
        _ilgpu?.Dispose();
        if (_ownsCrew) _crew.Dispose();
    }

    /// <summary>
    /// The ILGPU path. On the CPU accelerator the kernel reads and writes the pinned arrays directly (wrapped as
    /// ILGPU buffers, no copies). On CUDA it copies the raw batch to device memory, runs the kernel, and copies
    /// the input back into the pinned output that the tensors share (a host round trip; a CUDA build would hand
    /// libtorch device memory instead).
    /// </summary>
    private sealed class IlgpuPath : IDisposable
    {
        private readonly InputLayout _layout;
        private readonly Action<Index1D, FusedArgs, int> _kernel;
        private readonly MemoryBuffer1D<ChannelPlan, Stride1D.Dense> _channels;
        private readonly MemoryBuffer1D<int, Stride1D.Dense> _tapStart, _tapCount;
        private readonly MemoryBuffer1D<float, Stride1D.Dense> _tapWeights;
        private readonly Dictionary<object, MemoryBuffer> _buffers = new(ReferenceEqualityComparer.Instance);

        public IlgpuPath(InputLayout layout, AcceleratorChoice choice)
        {
            Host = new AcceleratorHost(choice);
            _layout = layout;
            var acc = Host.Accelerator;
            _kernel = acc.LoadAutoGroupedStreamKernel<Index1D, FusedArgs, int>(FusedInputKernel.Kernel);
            _channels = acc.Allocate1D(layout.Channels);
            _tapStart = acc.Allocate1D(layout.TapStart);
            _tapCount = acc.Allocate1D(layout.TapCount);
            _tapWeights = acc.Allocate1D(layout.TapWeights);
        }

        public AcceleratorHost Host { get; }

        /// <summary>One ILGPU buffer per host array, made on first use: a zero-copy wrapper on the CPU accelerator.</summary>
        private MemoryBuffer BufferFor<T>(object key, T* pointer, long length) where T : unmanaged
        {
            if (_buffers.TryGetValue(key, out var buffer)) return buffer;
            buffer = Host.IsCpu
                ? CPUMemoryBuffer.Create(Host.Accelerator, (IntPtr)pointer, length, sizeof(T)) // the array is pinned: stable
                : Host.Accelerator.Allocate1D<T>(length);
            return _buffers[key] = buffer;
        }

        public void Run(float[] raw, SampleAugment[] augment, int count, PinnedBuffer<float> output)
        {
            MemoryBuffer rawBuffer, augBuffer, outBuffer;
            fixed (float* r = raw)
            fixed (SampleAugment* a = augment)
            {
                rawBuffer = BufferFor(raw, r, raw.LongLength);
                augBuffer = BufferFor(augment, a, augment.LongLength);
                outBuffer = BufferFor(output, output.Pointer, output.Length);
            }
            var rawView = rawBuffer.AsArrayView<float>(0, rawBuffer.Length);
            var augView = augBuffer.AsArrayView<SampleAugment>(0, augBuffer.Length);
            var outView = outBuffer.AsArrayView<float>(0, outBuffer.Length);
            if (!Host.IsCpu)
            {
                rawView.SubView(0, (long)count * _layout.RawSampleStride).CopyFromCPU(raw.AsSpan(0, count * _layout.RawSampleStride));
                augView.SubView(0, count).CopyFromCPU(augment.AsSpan(0, count));
            }
            var args = FusedInputKernel.Args(_layout, count, rawView, augView, _channels.View, _tapStart.View, _tapCount.View,
                _tapWeights.View, outView);
            int threads = Host.GridStrideThreads((long)count * _layout.PixelsPerSample);
            _kernel(threads, args, threads);
            Host.Accelerator.Synchronize();
            if (!Host.IsCpu) outView.CopyToCPU(output.Span);
        }

        public void Dispose()
        {
            foreach (var b in _buffers.Values) b.Dispose();
            _channels.Dispose();
            _tapStart.Dispose();
            _tapCount.Dispose();
            _tapWeights.Dispose();
            Host.Dispose();
        }
    }
}
