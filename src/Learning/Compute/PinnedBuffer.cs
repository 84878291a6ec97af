using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Compute;

/// <summary>
/// A host buffer that libtorch reads in place (<c>torch.frombuffer</c>, zero copy): a pinned array whose element
/// <see cref="Offset"/> starts on a 64-byte boundary, the alignment libtorch gives its own allocations.
/// </summary>
/// <remarks>
/// Why: libtorch's CPU kernels give results that depend on where their input starts in memory, and .NET aligns an
/// array's elements only to 8 bytes, so two identical runs differed with wherever the GC had put a buffer. Measured
/// (<c>mantis train</c>, demo backbone, 2 epochs × 3 batches, one thread): an input batch starting 8 bytes past a
/// 64-byte boundary instead of on it changed 283 371 weights by up to 4.8e-4; 4 bytes past it changed none. That made a
/// resumed training run differ from an uninterrupted one on CI. Every float buffer a network reads through
/// <c>frombuffer</c> comes from here.
/// </remarks>
public sealed unsafe class PinnedBuffer<T> where T : unmanaged
{
    /// <summary>Bytes; libtorch's CPU allocator alignment (c10::alignment).</summary>
    public const int Alignment = 64;

    private readonly T[] _array;

    public PinnedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (Alignment % sizeof(T) != 0) throw new ArgumentException($"{typeof(T).Name} ({sizeof(T)} bytes) does not divide the " +
            $"{Alignment}-byte alignment.");
        int slack = Alignment / sizeof(T);
        _array = GC.AllocateUninitializedArray<T>(length + slack, pinned: true); // pinned (POH): the address never changes
        long address = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        long misalignment = address % Alignment;
        if (misalignment % sizeof(T) != 0) throw new InvalidOperationException($"array of {typeof(T).Name} at an address ({address:X}) " +
            $"not a multiple of its size");
        Offset = (int)((Alignment - misalignment) % Alignment / sizeof(T));
        Length = length;
        Span.Clear();
    }

    /// <summary>Elements in the buffer.</summary>
    public int Length { get; }

    /// <summary>Index in the underlying array of element 0 (the first aligned one).</summary>
    public int Offset { get; }

    public Span<T> Span => _array.AsSpan(Offset, Length);

    /// <summary>Address of element 0 (64-byte aligned; valid for the buffer's lifetime, the array being pinned).</summary>
    public T* Pointer => (T*)Unsafe.AsPointer(ref _array[Offset]);

    /// <summary>A tensor over <paramref name="count"/> elements from element <paramref name="start"/>, sharing this memory.</summary>
    public Tensor AsTensor(ScalarType type, long count, long start = 0)
    {
        if (start < 0 || count < 0 || start + count > Length) throw new ArgumentOutOfRangeException(nameof(count),
            $"elements [{start}, {start + count}) outside a buffer of {Length}");
        return torch.frombuffer(_array, type, count, Offset + start);
    }
}
