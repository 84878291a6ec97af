namespace MantisShrimp.Kernels.Input;

/// <summary>Shared geometry of the input transforms: one definition used by the ILGPU kernel, the SIMD path and the reference.</summary>
public static class AugmentGeometry
{
    /// <summary>
    /// Maps a pixel (cx, cy) of the centre-cropped, flipped, rotated n×n image back to (sx, sy) in the N×N
    /// native image (0-based, pixel centres at integers). Order of operations: rotate about (N−1)/2, flip the
    /// whole N×N image, crop at offset ⌊(N−n)/2⌋.
    /// </summary>
    public static void CropToNative(float cx, float cy, int cropSize, int nativeSize, SampleAugment a, out float sx, out float sy)
    {
        float offset = (nativeSize - cropSize) / 2; // integer crop offset, as torchvision's CenterCrop for even differences
        float px = cx + offset, py = cy + offset;   // position in the rotated, flipped native frame
        if (a.FlipX != 0) px = nativeSize - 1 - px; // flips mirror the whole rotated image, before the crop
        if (a.FlipY != 0) py = nativeSize - 1 - py;
        float centre = (nativeSize - 1) * 0.5f;
        float u = px - centre, v = py - centre;
        sx = centre + a.Cos * u + a.Sin * v;
        sy = centre - a.Sin * u + a.Cos * v;
    }
}
