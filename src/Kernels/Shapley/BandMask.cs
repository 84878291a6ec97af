namespace MantisShrimp.Kernels.Shapley;

/// <summary>
/// What the masked image of one band of one sample hides: pixels with cxx·dx² + cyy·dy² + cxy·dx·dy ≤ 1 about (X, Y)
/// are replaced by Back + Rms·N(0, 1); N comes from a counter-based generator keyed by (Seed, pixel), so the
/// result does not depend on how the work is split over threads.
/// </summary>
public struct BandMask
{
    public float X, Y, Cxx, Cyy, Cxy, Back, Rms;
    public ulong Seed;
}
