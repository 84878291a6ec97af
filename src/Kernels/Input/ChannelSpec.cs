namespace MantisShrimp.Kernels.Input;

/// <summary>What one network input channel is made of (host-side description).</summary>
/// <param name="Segment">Output tensor this channel belongs to (early fusion: one; late fusion: one per survey).</param>
/// <param name="InputOffset">Floats from the start of a raw sample to this band's native plane.</param>
public readonly record struct ChannelSpec(int Segment, int InputOffset, int NativeSize, int CropSize, int OutputSize,
    IntensityTransform Transform);
