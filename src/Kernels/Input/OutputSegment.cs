namespace MantisShrimp.Kernels.Input;

/// <summary>One output tensor: [batch, Channels, Height, Width] starting at <see cref="Base"/> in the output buffer.</summary>
public readonly record struct OutputSegment(int Channels, int Height, int Width, long Base)
{
    public int SampleStride => Channels * Height * Width;
}
