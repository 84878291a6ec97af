using CommunityToolkit.HighPerformance;

namespace MantisShrimp.Engine.Fits;

/// <summary>
/// An image (2-D) or cube (3-D) in physical units (BSCALE/BZERO applied, BLANK → NaN), stored as float32
/// in FITS order: NAXIS1 (x, columns) varies fastest, then NAXIS2 (y, rows, bottom row first), then planes —
/// the same memory layout as astropy's <c>hdu.data[plane, y, x]</c>.
/// </summary>
public sealed class FitsImage
{
    public FitsImage(int width, int height, int planes, float[] data, FitsHeader? header = null)
    {
        if (width <= 0 || height <= 0 || planes <= 0)
            throw new ArgumentException($"Image dimensions must be positive (got {width}×{height}×{planes}).");
        if (data.Length != (long)width * height * planes)
            throw new ArgumentException($"Image data has {data.Length} values; {width}×{height}×{planes} needs " +
                $"{(long)width * height * planes}.");
        Width = width;
        Height = height;
        Planes = planes;
        Data = data;
        Header = header ?? new FitsHeader();
    }

    public int Width { get; }
    public int Height { get; }
    public int Planes { get; }
    public float[] Data { get; }
    public FitsHeader Header { get; }

    /// <summary>A view of one plane as [row, column] = [y, x], without copying.</summary>
    public Span2D<float> Plane(int plane)
    {
        if ((uint)plane >= (uint)Planes) throw new ArgumentOutOfRangeException(nameof(plane), $"Plane {plane} of a {Planes}-plane image.");
        return new Span2D<float>(Data, plane * Width * Height, Height, Width, 0);
    }

    /// <summary>Pixel value at 0-based (x, y) in plane <paramref name="plane"/>.</summary>
    public float this[int x, int y, int plane = 0] => Data[((long)plane * Height + y) * Width + x];
}
