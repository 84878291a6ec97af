namespace MantisShrimp.Engine.Sources;

/// <summary>
/// The working arrays of one extraction, kept per thread and reused: a PS1 cutout's image-sized arrays are over the
/// large-object threshold (85 KB), and allocating (and zeroing, and collecting) half a megabyte of them per target
/// cost about as much as the arithmetic. Arrays only grow; callers use the first width × height elements. Each
/// array has one role, so an extraction, its deblending and its labelling never share one.
/// </summary>
internal sealed class ExtractionBuffers
{
    [ThreadStatic] private static ExtractionBuffers? t_current;

    private float[] _subtracted = [], _filtered = [], _padded = [];
    private int[] _labels = [], _stack = [], _sizes = [], _fill = [], _all = [], _histogram = [];
    private long[] _histogramPrefix = [];

    /// <summary>This thread's buffers.</summary>
    public static ExtractionBuffers ForThread() => t_current ??= new ExtractionBuffers();

    /// <summary>The background-subtracted image.</summary>
    public float[] Subtracted(int length) => Grow(ref _subtracted, length);

    /// <summary>The filtered (convolved) image.</summary>
    public float[] Filtered(int length) => Grow(ref _filtered, length);

    /// <summary>The convolution's zero-padded copy of its input.</summary>
    public float[] Padded(int length) => Grow(ref _padded, length);

    /// <summary>Per-pixel labels of <see cref="Detection.Components(int, int, ReadOnlySpan{int}, float[], float, int, int[])"/>: zeros
    /// between uses (the labelling leaves them as found).</summary>
    public int[] Labels(int length) => Grow(ref _labels, length);

    /// <summary>The flood fill's stack of (pixel, column) pairs.</summary>
    public int[] Stack(int length) => Grow(ref _stack, length);

    /// <summary>Pixels per label.</summary>
    public int[] Sizes(int length) => Grow(ref _sizes, length);

    /// <summary>Members written so far per label.</summary>
    public int[] Fill(int length) => Grow(ref _fill, length);

    /// <summary>A background mesh's histogram (cleared by its user).</summary>
    public int[] Histogram(int length) => Grow(ref _histogram, length);

    /// <summary>The prefix sums of a mesh histogram (backguess).</summary>
    public long[] HistogramPrefix(int length) => Grow(ref _histogramPrefix, length);

    /// <summary>0, 1, …, length − 1: every pixel as a candidate.</summary>
    public int[] AllPixels(int length)
    {
        if (_all.Length < length)
        {
            _all = new int[length];
            for (int p = 0; p < length; p++) _all[p] = p;
        }
        return _all;
    }

    private static T[] Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length) array = new T[length];
        return array;
    }
}
