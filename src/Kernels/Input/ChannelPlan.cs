namespace MantisShrimp.Kernels.Input;

/// <summary>One output channel as the kernels see it (blittable).</summary>
public struct ChannelPlan
{
    public int InputOffset;
    public int NativeSize;
    public int CropSize;
    public int OutputSize;
    /// <summary>Output pixels of the earlier channels within one sample (for mapping a flat index to a channel).</summary>
    public int PixelStart;
    /// <summary>Floats from the start of the output buffer to this channel's segment.</summary>
    public long SegmentBase;
    /// <summary>Floats per sample in this channel's segment.</summary>
    public int SegmentSampleStride;
    /// <summary>Offset of this channel inside one sample of its segment.</summary>
    public int ChannelOffset;
    /// <summary>Index of this channel's first output row in the concatenated resize tables; -1 without resize.</summary>
    public int ResizeOffset;
    public IntensityTransform Transform;
}
