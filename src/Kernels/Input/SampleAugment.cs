namespace MantisShrimp.Kernels.Input;

/// <summary>
/// The augmentation of one sample, applied identically to all its bands: a rotation about the cutout centre
/// and optional flips. Rotation is counter-clockwise by <c>θ</c> in FITS pixel orientation (x right, y up):
/// output(p) = input(R(−θ)·p) about the centre. Flips act on the rotated image (x → n−1−x, y → n−1−y).
/// </summary>
public readonly struct SampleAugment
{
    public SampleAugment(float cos, float sin, bool flipX, bool flipY)
    {
        Cos = cos;
        Sin = sin;
        FlipX = flipX ? 1 : 0;
        FlipY = flipY ? 1 : 0;
    }

    public float Cos { get; }
    public float Sin { get; }
    /// <summary>1 to mirror x (a horizontal flip), else 0. An int so the struct is blittable for kernels.</summary>
    public int FlipX { get; }
    public int FlipY { get; }

    public static SampleAugment Identity => new(1f, 0f, false, false);

    /// <summary>From an angle in degrees; multiples of 90° get exact 0/±1 so quarter turns map pixels onto pixels.</summary>
    public static SampleAugment FromDegrees(double degrees, bool flipX = false, bool flipY = false)
    {
        double d = degrees % 360.0;
        if (d < 0) d += 360.0;
        (float c, float s) = d switch
        {
            0.0 => (1f, 0f),
            90.0 => (0f, 1f),
            180.0 => (-1f, 0f),
            270.0 => (0f, -1f),
            _ => ((float)Math.Cos(d * Math.PI / 180.0), (float)Math.Sin(d * Math.PI / 180.0)),
        };
        return new SampleAugment(c, s, flipX, flipY);
    }
}
