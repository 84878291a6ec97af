using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

/// <summary>
/// The 9 bands of one source at native resolution in model channel order (FUV, NUV, g … y, W1, W2),
/// each plane row-major [y, x] as in the FITS file, NaNs preserved; plus each band's AB zero point.
/// </summary>
public sealed class CutoutSample
{
    public CutoutSample(float[] pixels, float[] zeroPoints, SampleFlags flags)
    {
        if (pixels.Length != BandTable.NativePixelsPerSample)
            throw new ArgumentException($"A sample has {BandTable.NativePixelsPerSample} pixels, got {pixels.Length}.");
        if (zeroPoints.Length != BandTable.BandCount) throw new ArgumentException("One zero point per band.");
        Pixels = pixels;
        ZeroPoints = zeroPoints;
        Flags = flags;
    }

    public float[] Pixels { get; }

    /// <summary>AB magnitude of a pixel value of 1, per band.</summary>
    public float[] ZeroPoints { get; }

    public SampleFlags Flags { get; }

    public Span<float> Band(Band band)
    {
        var info = BandTable.Get(band);
        return Pixels.AsSpan(BandTable.NativePixelOffset(band), info.NativeSize * info.NativeSize);
    }
}
