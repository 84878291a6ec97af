namespace MantisShrimp.Engine.Models;

/// <summary>One encoder of a factorised network: the input segment it reads and the model channels (bands) it sees.</summary>
public sealed record FusionEncoder(int Segment, int[] Bands)
{
    /// <summary>Bit j set for each band j the encoder sees.</summary>
    public int BandMask => Bands.Aggregate(0, (m, b) => m | 1 << b);
}
