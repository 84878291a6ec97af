namespace MantisShrimp.Kernels.Input;

/// <summary>Bilinear interpolation weights: shared by every implementation.</summary>
public static class Bilinear
{
    public static void Setup(float sx, float sy, out int x0, out int y0, out float fx, out float fy)
    {
        float flx = ILGPU.Algorithms.XMath.Floor(sx), fly = ILGPU.Algorithms.XMath.Floor(sy);
        x0 = (int)flx;
        y0 = (int)fly;
        fx = sx - flx;
        fy = sy - fly;
    }

    public static float Blend(float v00, float v10, float v01, float v11, float fx, float fy) =>
        (v00 * (1f - fx) + v10 * fx) * (1f - fy) + (v01 * (1f - fx) + v11 * fx) * fy;
}
