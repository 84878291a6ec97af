namespace MantisShrimp.Kernels;

/// <summary>The shape of a survey's pixel → network-input intensity transform.</summary>
public enum IntensityTransformKind
{
    /// <summary>clip(x / Scale, 0, 1) — the reference's GALEX transform (Scale = 0.05).</summary>
    LinearClip = 0,
    /// <summary>max(asinh(Scale · x) / Divisor, 0) — the reference's PS1 (0.08, 8) and unWISE (0.6, 6) transforms.</summary>
    AsinhStretch = 1,
}
