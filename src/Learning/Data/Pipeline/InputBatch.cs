using MantisShrimp.Engine.Compute;
using MantisShrimp.Kernels.Input;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>
/// One slot of the pipeline's ring: pinned host buffers (raw gather, network input, targets) and TorchSharp
/// tensors created once over them with <c>torch.frombuffer</c> — the tensors share memory with the kernel
/// output, so handing a batch to the network copies nothing. A batch is valid until it is released. What the network
/// reads starts on a 64-byte boundary (<see cref="PinnedBuffer{T}"/>: libtorch's results depend on it).
/// </summary>
public sealed class InputBatch : IDisposable
{
    internal InputBatch(InputLayout layout, int rowCapacity)
    {
        Layout = layout;
        RowCapacity = rowCapacity;
        Raw = GC.AllocateArray<float>(rowCapacity * layout.RawSampleStride, pinned: true);
        OutputBuffer = new PinnedBuffer<float>((int)layout.OutputLength);
        Augment = GC.AllocateArray<SampleAugment>(rowCapacity, pinned: true);
        RedshiftValues = GC.AllocateArray<float>(rowCapacity, pinned: true);
        ClassValues = GC.AllocateArray<long>(rowCapacity, pinned: true);
        EbvBuffer = new PinnedBuffer<float>(rowCapacity * 2);
        Records = new RecordRef[rowCapacity];
        Inputs = layout.Segments.Select(s =>
            OutputBuffer.AsTensor(ScalarType.Float32, (long)s.SampleStride * rowCapacity, s.Base)
                .view(rowCapacity, s.Channels, s.Height, s.Width)).ToArray();
        Redshifts = torch.frombuffer(RedshiftValues, ScalarType.Float32);
        Classes = torch.frombuffer(ClassValues, ScalarType.Int64);
        Ebv = EbvBuffer.AsTensor(ScalarType.Float32, rowCapacity * 2).view(rowCapacity, 2);
    }

    public InputLayout Layout { get; }
    public int RowCapacity { get; }

    /// <summary>Rows in this batch: samples × test-time rotations. 0 marks the end of the data.</summary>
    public int Count { get; internal set; }

    /// <summary>Distinct samples in this batch (rows = samples × rotations).</summary>
    public int Samples { get; internal set; }

    /// <summary>Sequence number of this batch from the start of the pipeline.</summary>
    public long BatchIndex { get; internal set; }

    /// <summary>The record behind each row.</summary>
    public RecordRef[] Records { get; }

    internal float[] Raw { get; }
    internal PinnedBuffer<float> OutputBuffer { get; }
    internal Span<float> Output => OutputBuffer.Span;
    internal SampleAugment[] Augment { get; }
    internal float[] RedshiftValues { get; }
    internal long[] ClassValues { get; }
    internal PinnedBuffer<float> EbvBuffer { get; }
    internal Span<float> EbvValues => EbvBuffer.Span;
    internal Exception? Error { get; set; }

    /// <summary>Full-capacity input tensors, one per segment (early fusion: one; late: GALEX, PS1, unWISE).</summary>
    public Tensor[] Inputs { get; }

    /// <summary>Spectroscopic redshifts [rows] (float32).</summary>
    public Tensor Redshifts { get; }

    /// <summary>Redshift classes [rows] (int64) on <see cref="RedshiftGrid"/>.</summary>
    public Tensor Classes { get; }

    /// <summary>E(B-V) CSFD and Planck [rows, 2].</summary>
    public Tensor Ebv { get; }

    /// <summary>The network input of one segment for exactly <see cref="Count"/> rows (a view; no copy).</summary>
    public Tensor Input(int segment = 0) => Count == RowCapacity ? Inputs[segment] : Inputs[segment].narrow(0, 0, Count);

    /// <summary>The raw input buffer as a span (what the kernels write).</summary>
    public ReadOnlySpan<float> OutputSpan => OutputBuffer.Span;

    public void Dispose()
    {
        foreach (var t in Inputs) t.Dispose();
        Redshifts.Dispose();
        Classes.Dispose();
        Ebv.Dispose();
    }
}
