namespace MantisShrimp.Kernels.Input;

/// <summary>
/// The complete recipe from raw shard pixels to the network's input layout for a batch capacity:
/// per-channel plans, resize tables and output segments, ready to hand to a kernel.
/// </summary>
public sealed class InputLayout
{
    private InputLayout(ChannelPlan[] channels, OutputSegment[] segments, int rawSampleStride, int batchCapacity,
        int[] tapStart, int[] tapCount, float[] tapWeights)
    {
        Channels = channels;
        Segments = segments;
        RawSampleStride = rawSampleStride;
        BatchCapacity = batchCapacity;
        TapStart = tapStart;
        TapCount = tapCount;
        TapWeights = tapWeights;
        PixelsPerSample = channels.Sum(c => c.OutputSize * c.OutputSize);
    }

    public ChannelPlan[] Channels { get; }
    public OutputSegment[] Segments { get; }
    public int RawSampleStride { get; }
    public int BatchCapacity { get; }
    public int PixelsPerSample { get; }
    public int[] TapStart { get; }
    public int[] TapCount { get; }
    public float[] TapWeights { get; }

    /// <summary>Floats of output for a full batch (segments included, with the padding that aligns them).</summary>
    public long OutputLength => Segments[^1].Base + (long)Segments[^1].SampleStride * BatchCapacity;

    /// <summary>
    /// Each segment starts a multiple of this many floats (64 bytes) into the output, so that in a 64-byte-aligned
    /// buffer every segment's tensor is 64-byte aligned too: libtorch's CPU results depend on input alignment.
    /// </summary>
    public const int SegmentAlignmentFloats = 16;

    public static InputLayout Create(IReadOnlyList<ChannelSpec> specs, int rawSampleStride, int batchCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchCapacity, 1);
        int segmentCount = specs.Max(s => s.Segment) + 1;
        var segments = new OutputSegment[segmentCount];
        long segmentBase = 0;
        for (int g = 0; g < segmentCount; g++)
        {
            var members = specs.Where(s => s.Segment == g).ToArray();
            if (members.Length == 0) throw new ArgumentException($"Segment {g} has no channels.");
            int size = members[0].OutputSize;
            if (members.Any(m => m.OutputSize != size)) throw new ArgumentException($"Channels of segment {g} differ in output size.");
            segments[g] = new OutputSegment(members.Length, size, size, segmentBase);
            segmentBase += (long)segments[g].SampleStride * batchCapacity;
            segmentBase = (segmentBase + SegmentAlignmentFloats - 1) / SegmentAlignmentFloats * SegmentAlignmentFloats;
        }
        var tables = new Dictionary<(int, int), int>();
        var starts = new List<int>();
        var counts = new List<int>();
        var weights = new List<float>();
        var plans = new ChannelPlan[specs.Count];
        var channelInSegment = new int[segmentCount];
        int pixelStart = 0;
        for (int c = 0; c < specs.Count; c++)
        {
            var s = specs[c];
            if (s.CropSize > s.NativeSize || s.CropSize < 1 || s.OutputSize < 1)
                throw new ArgumentException($"Channel {c}: crop {s.CropSize} must be within native {s.NativeSize}.");
            int resize = -1;
            if (s.OutputSize != s.CropSize)
            {
                if (!tables.TryGetValue((s.CropSize, s.OutputSize), out resize))
                {
                    var t = AntialiasResize.Create(s.CropSize, s.OutputSize);
                    resize = starts.Count;
                    starts.AddRange(t.Start);
                    counts.AddRange(t.Count);
                    weights.AddRange(t.Weights);
                    tables[(s.CropSize, s.OutputSize)] = resize;
                }
            }
            var seg = segments[s.Segment];
            plans[c] = new ChannelPlan
            {
                InputOffset = s.InputOffset,
                NativeSize = s.NativeSize,
                CropSize = s.CropSize,
                OutputSize = s.OutputSize,
                PixelStart = pixelStart,
                SegmentBase = seg.Base,
                SegmentSampleStride = seg.SampleStride,
                ChannelOffset = channelInSegment[s.Segment]++ * s.OutputSize * s.OutputSize,
                ResizeOffset = resize,
                Transform = s.Transform,
            };
            pixelStart += s.OutputSize * s.OutputSize;
        }
        return new InputLayout(plans, segments, rawSampleStride, batchCapacity,
            starts.Count > 0 ? starts.ToArray() : [0], counts.Count > 0 ? counts.ToArray() : [0],
                weights.Count > 0 ? weights.ToArray() : [0f]);
    }

    /// <summary>Index in the output buffer of (sample, channel, y, x).</summary>
    public long OutputIndex(int sample, int channel, int y, int x)
    {
        ref readonly var c = ref Channels[channel];
        return c.SegmentBase + (long)sample * c.SegmentSampleStride + c.ChannelOffset + (long)y * c.OutputSize + x;
    }
}
