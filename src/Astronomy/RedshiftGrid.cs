namespace MantisShrimp.Engine;

/// <summary>
/// The redshift classes, defined once: 400 bins of width 0.004 over 0 ≤ z &lt; 1.6 (paper §4). Bin k spans
/// [0.004·k, 0.004·(k+1)) and is represented by its centre 0.004·(k + ½). Training targets, samplers, PDF
/// summaries and metrics all use this grid — the reference implementation used different grids in training
/// and inference; we do not.
/// </summary>
public static class RedshiftGrid
{
    public const int Classes = 400;
    public const double ZMax = 1.6;
    public const double BinWidth = ZMax / Classes;

    /// <summary>Class of redshift <paramref name="z"/>, clamped to [0, 399].</summary>
    public static int ClassOf(double z) => Math.Clamp((int)Math.Floor(z / BinWidth), 0, Classes - 1);

    public static double Centre(int k) => (k + 0.5) * BinWidth;

    public static double LowerEdge(int k) => k * BinWidth;

    /// <summary>All 400 bin centres.</summary>
    public static double[] Centres() => Enumerable.Range(0, Classes).Select(Centre).ToArray();
}
