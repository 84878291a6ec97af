namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// The rest-frame wavelength grid the simulator evaluates spectra on (log-spaced, 900 Å – 6 µm), with the
/// parameter-independent pieces of the analytic templates tabulated once. A galaxy's spectrum is then a few
/// multiply-adds (and at most two exponentials) per grid point instead of a dozen transcendental calls, and
/// observed-frame photometry interpolates on the grid.
/// </summary>
public static class SedGrid
{
    public const int Points = 1600;
    public const double MinLambda = 900.0, MaxLambda = 60000.0;
    public static readonly double LnMin = Math.Log(MinLambda);
    public static readonly double Step = (Math.Log(MaxLambda) - LnMin) / (Points - 1);
    public static readonly double[] Lambda = Enumerable.Range(0, Points).Select(i => Math.Exp(LnMin + i * Step)).ToArray();

    // Old population: Old(λ, d) = OldA(λ) + OldB(λ) / d (the break factor is linear in 1/d).
    internal static readonly double[] OldA, OldB;
    // Young population pieces: uv·(1−s)·bf + bb·s·bf with uv = join·(λ/4000)^β, bf = 1/balmer + (1 − 1/balmer)·s.
    internal static readonly double[] LnOver4000, YoungStep, YoungBb;
    internal static readonly double YoungJoin = Spectra.BlackBody(Spectra.BreakWavelength, 10000);
    internal static readonly double YoungNorm = Spectra.BlackBody(5500, 10000);
    internal static readonly double[] Intermediate;
    internal static readonly double[] Calzetti;

    static SedGrid()
    {
        OldA = new double[Points];
        OldB = new double[Points];
        LnOver4000 = new double[Points];
        YoungStep = new double[Points];
        YoungBb = new double[Points];
        Intermediate = new double[Points];
        Calzetti = new double[Points];
        double oldNorm = Spectra.Old(5500, 1.25);
        for (int i = 0; i < Points; i++)
        {
            double l = Lambda[i];
            // Old(λ, d) at d → ∞ and d = 1 give the two pieces.
            double atInfinity = Spectra.Old(l, 1e12), atOne = Spectra.Old(l, 1.0);
            OldA[i] = atInfinity;
            OldB[i] = atOne - atInfinity;
            LnOver4000[i] = Math.Log(l / Spectra.BreakWavelength);
            YoungStep[i] = Spectra.Step(l, 3800, 60);
            YoungBb[i] = Spectra.BlackBody(l, 10000);
            Intermediate[i] = (Spectra.Old(l, 1.25) * 0.6 + Spectra.BlackBody(l, 6000) * 0.4 * (l < Spectra.LymanLimit ? 0 : 1)) / oldNorm;
            Calzetti[i] = Spectra.Calzetti(l);
        }
    }

    /// <summary>Linear interpolation of a grid array at rest wavelength λ (0 outside the grid).</summary>
    public static double Interpolate(ReadOnlySpan<double> values, double lambda) => InterpolateLn(values, Math.Log(lambda));

    public static double InterpolateLn(ReadOnlySpan<double> values, double lnLambda)
    {
        double x = (lnLambda - LnMin) / Step;
        if (x < 0 || x > Points - 1) return 0;
        int i = Math.Min((int)x, Points - 2);
        double f = x - i;
        return values[i] * (1 - f) + values[i + 1] * f;
    }
}
