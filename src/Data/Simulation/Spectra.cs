namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// Analytic rest-frame spectral energy distributions from 0.09 to 6 µm (f_λ, arbitrary units, λ in Å), and the
/// attenuation laws applied to them. These are physically shaped toys, not stellar-population syntheses:
/// - old stars: a 4800 K black body (peak ≈ 0.6 µm, Rayleigh–Jeans tail into W1/W2) with the 4000 Å break
///   (flux blueward divided by D4000), a weak UV upturn, and the 1.6 µm H⁻ opacity-minimum bump;
/// - young stars: a UV power law f_λ ∝ λ^β (β ≈ −2) joined at 4000 Å to a 10 000 K black body, with a weak Balmer break;
/// - emission lines (Hα, Hβ, [O II] 3727, [O III] 4959/5007, [N II] 6584) as unresolved lines of given equivalent width;
/// - Lyman limit (nothing below 912 Å), IGM Lyman-α forest (Madau 1995 effective optical depth);
/// - internal dust: Calzetti et al. (2000); Milky Way: Cardelli, Clayton &amp; Mathis (1989), R_V = 3.1.
/// </summary>
public static class Spectra
{
    public const double LymanLimit = 912.0;
    public const double BreakWavelength = 4000.0;
    private const double HcOverK = 1.4387769e8; // Å·K

    /// <summary>Black-body temperature of the old-star continuum (tuned so red galaxies have g − r ≈ 0.8 at z ≈ 0).</summary>
    public const double OldTemperature = 4800;

    /// <summary>Planck f_λ shape at temperature T (arbitrary normalisation, peak ≈ 1).</summary>
    public static double BlackBody(double lambda, double t)
    {
        double x = HcOverK / (lambda * t);
        if (x > 700) return 0;
        double peak = 2.897771955e7 / t; // Wien
        double xp = HcOverK / (peak * t);
        return Math.Pow(peak / lambda, 5) * (Math.Exp(xp) - 1) / (Math.Exp(x) - 1);
    }

    /// <summary>Logistic step from 0 (λ ≪ edge) to 1 (λ ≫ edge) over ≈ <paramref name="width"/> Å.</summary>
    public static double Step(double lambda, double edge, double width) => 1.0 / (1.0 + Math.Exp(-(lambda - edge) / width));

    /// <summary>Old stellar population; <paramref name="d4000"/> is the 4000 Å break strength (≈ 1.6–2.2).</summary>
    public static double Old(double lambda, double d4000)
    {
        if (lambda < LymanLimit) return 0;
        double breakFactor = 1.0 / d4000 + (1 - 1.0 / d4000) * Step(lambda, BreakWavelength, 40);
        double continuum = BlackBody(lambda, OldTemperature) * breakFactor;
        double upturn = 2.5e-3 * Math.Pow(lambda / 2000.0, -1.0) * (1 - Step(lambda, 3200, 150));
        double hBump = 0.15 * BlackBody(16000, OldTemperature) * Math.Exp(-0.5 * Math.Pow(Math.Log(lambda / 16000) / 0.12, 2));
        return continuum + upturn + hBump;
    }

    /// <summary>Young (star-forming) population: UV slope <paramref name="beta"/>, Balmer break <paramref name="balmer"/> (≈
    /// 1.05–1.3).</summary>
    public static double Young(double lambda, double beta, double balmer)
    {
        if (lambda < LymanLimit) return 0;
        double bb = BlackBody(lambda, 10000);
        double join = BlackBody(BreakWavelength, 10000);
        double uv = join * Math.Pow(lambda / BreakWavelength, beta);
        double s = Step(lambda, 3800, 60);
        double breakFactor = 1.0 / balmer + (1 - 1.0 / balmer) * s;
        return (uv * (1 - s) + bb * s) * breakFactor;
    }

    /// <summary>Calzetti et al. (2000) k(λ), λ in Å; extended below 1200 Å and above 2.2 µm smoothly.</summary>
    public static double Calzetti(double lambda)
    {
        const double rv = 4.05;
        double um = Math.Clamp(lambda, 1000, 22000) / 1e4;
        double k = um < 0.63
            ? 2.659 * (-2.156 + 1.509 / um - 0.198 / (um * um) + 0.011 / (um * um * um)) + rv
            : 2.659 * (-1.857 + 1.040 / um) + rv;
        if (lambda > 22000) k *= Math.Pow(22000 / lambda, 1.6); // infrared: power-law decline
        return Math.Max(k, 0);
    }

    /// <summary>Cardelli, Clayton &amp; Mathis (1989) A_λ / E(B−V) for R_V = 3.1, λ in Å (infrared: ∝ λ^−1.61).</summary>
    public static double CardelliOverEbv(double lambda)
    {
        const double rv = 3.1;
        double x = 1e4 / lambda; // µm⁻¹
        double a, b;
        if (x < 0.3)
        {
            a = 0.574 * Math.Pow(0.3, 1.61) * Math.Pow(x / 0.3, 1.61);
            b = -0.527 * Math.Pow(0.3, 1.61) * Math.Pow(x / 0.3, 1.61);
        }
        else if (x < 1.1)
        {
            a = 0.574 * Math.Pow(x, 1.61);
            b = -0.527 * Math.Pow(x, 1.61);
        }
        else if (x < 3.3)
        {
            double y = x - 1.82;
            a = 1 + 0.17699 * y - 0.50447 * y * y - 0.02427 * Math.Pow(y, 3) + 0.72085 * Math.Pow(y, 4)
                + 0.01979 * Math.Pow(y, 5) - 0.77530 * Math.Pow(y, 6) + 0.32999 * Math.Pow(y, 7);
            b = 1.41338 * y + 2.28305 * y * y + 1.07233 * Math.Pow(y, 3) - 5.38434 * Math.Pow(y, 4)
                - 0.62251 * Math.Pow(y, 5) + 5.30260 * Math.Pow(y, 6) - 2.09002 * Math.Pow(y, 7);
        }
        else
        {
            double xc = Math.Min(x, 10);
            double fa = 0, fb = 0;
            if (xc >= 5.9)
            {
                double d = xc - 5.9;
                fa = -0.04473 * d * d - 0.009779 * d * d * d;
                fb = 0.2130 * d * d + 0.1207 * d * d * d;
            }
            a = 1.752 - 0.316 * xc - 0.104 / (Math.Pow(xc - 4.67, 2) + 0.341) + fa;
            b = -3.090 + 1.825 * xc + 1.206 / (Math.Pow(xc - 4.62, 2) + 0.263) + fb;
        }
        return rv * (a + b / rv);
    }

    /// <summary>IGM transmission of the Lyman-α forest at observed λ for a source at z (Madau 1995, Lyα term).</summary>
    public static double IgmTransmission(double observedLambda, double z)
    {
        if (observedLambda >= 1215.67 * (1 + z)) return 1;
        double tau = 0.0036 * Math.Pow(observedLambda / 1215.67, 3.46);
        return Math.Exp(-tau);
    }
}
