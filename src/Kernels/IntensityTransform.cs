namespace MantisShrimp.Kernels;

/// <summary>
/// A survey's intensity transform as a value type, so kernels can take it as a parameter.
/// The numbers themselves are defined once, in the Engine's survey model; this type only knows the formulas.
/// NaN input maps to <see cref="NanFill"/> (the paper fills masked pixels after the NaN-fraction rule).
/// </summary>
public readonly struct IntensityTransform
{
    public IntensityTransform(IntensityTransformKind kind, float scale, float divisor, float nanFill = 0f)
    {
        Kind = kind;
        Scale = scale;
        Divisor = divisor;
        NanFill = nanFill;
    }

    public IntensityTransformKind Kind { get; }
    public float Scale { get; }
    public float Divisor { get; }
    public float NanFill { get; }

    /// <summary>Transforms one raw pixel value. Plain static-callable body shared by kernels and the C# path.</summary>
    public float Apply(float x)
    {
        if (float.IsNaN(x)) return NanFill;
        if (Kind == IntensityTransformKind.LinearClip)
        {
            float v = x / Scale;
            return v < 0f ? 0f : (v > 1f ? 1f : v);
        }
        float a = Asinh(Scale * x) / Divisor;
        return a > 0f ? a : 0f;
    }

    /// <summary>asinh written out so that it compiles for every ILGPU back end (no BCL intrinsic needed).</summary>
    public static float Asinh(float x)
    {
        float ax = x < 0f ? -x : x;
        // For large |x| sqrt(x²+1) overflows in float; asinh(x) ≈ ln(2|x|) there.
        float r = ax > 1e18f
            ? ILGPU.Algorithms.XMath.Log(ax) + 0.6931472f
            : ILGPU.Algorithms.XMath.Log(ax + ILGPU.Algorithms.XMath.Sqrt(ax * ax + 1f));
        // log(ax + sqrt(ax²+1)) loses relative precision for tiny ax; asinh(x) ≈ x − x³/6 there.
        if (ax < 1e-3f) r = ax - ax * ax * ax / 6f;
        return x < 0f ? -r : r;
    }
}
