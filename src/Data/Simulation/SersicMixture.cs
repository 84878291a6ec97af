namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// A Sérsic profile as a sum of concentric Gaussians (in the spirit of Hogg &amp; Lang 2013), fitted once here by
/// non-negative least squares on the flux-weighted radial profile out to 8 R_e. Gaussians make PSF convolution
/// and pixel integration exact and cheap: covariances add. Amplitudes sum to 1 (unit total flux); widths are
/// in units of the half-light radius.
/// </summary>
public sealed class SersicMixture
{
    private SersicMixture(double n, double[] sigma, double[] amplitude)
    {
        N = n;
        Sigma = sigma;
        Amplitude = amplitude;
    }

    public double N { get; }
    public double[] Sigma { get; }
    public double[] Amplitude { get; }

    public static SersicMixture Exponential { get; } = Fit(1.0, 8, 0.04, 2.2);
    public static SersicMixture DeVaucouleurs { get; } = Fit(4.0, 12, 0.002, 6.0);

    /// <summary>b_n of the Sérsic profile (Ciotti &amp; Bertin 1999 expansion).</summary>
    public static double Bn(double n) => 2 * n - 1.0 / 3 + 4 / (405 * n) + 46 / (25515 * n * n);

    public static SersicMixture Fit(double n, int components, double minSigma, double maxSigma)
    {
        var sigma = new double[components];
        for (int j = 0; j < components; j++) sigma[j] = minSigma * Math.Pow(maxSigma / minSigma, j / (double)(components - 1));
        const int samples = 400;
        double bn = Bn(n), rMax = 8.0;
        var r = new double[samples];
        var target = new double[samples];
        var weight = new double[samples];
        double norm = 0;
        for (int i = 0; i < samples; i++)
        {
            r[i] = rMax * Math.Pow((i + 0.5) / samples, 2); // denser near the centre
            target[i] = Math.Exp(-bn * (Math.Pow(r[i], 1 / n) - 1));
            double dr = rMax * 2 * (i + 0.5) / (samples * (double)samples);
            weight[i] = r[i] * dr;
            norm += 2 * Math.PI * target[i] * r[i] * dr;
        }
        for (int i = 0; i < samples; i++) target[i] /= norm;
        // Normal equations of the weighted least squares, solved by coordinate descent with a ≥ 0.
        var h = new double[components, components];
        var f = new double[components];
        for (int i = 0; i < samples; i++)
        {
            var g = new double[components];
            for (int j = 0; j < components; j++) g[j] =
                Math.Exp(-r[i] * r[i] / (2 * sigma[j] * sigma[j])) / (2 * Math.PI * sigma[j] * sigma[j]);
            for (int j = 0; j < components; j++)
            {
                f[j] += weight[i] * g[j] * target[i];
                for (int k = 0; k < components; k++) h[j, k] += weight[i] * g[j] * g[k];
            }
        }
        var a = new double[components];
        for (int j = 0; j < components; j++) a[j] = 1.0 / components;
        for (int sweep = 0; sweep < 20000; sweep++)
        {
            double change = 0;
            for (int j = 0; j < components; j++)
            {
                double grad = -f[j];
                for (int k = 0; k < components; k++) grad += h[j, k] * a[k];
                double next = Math.Max(0, a[j] - grad / h[j, j]);
                change = Math.Max(change, Math.Abs(next - a[j]));
                a[j] = next;
            }
            if (change < 1e-12) break;
        }
        double sum = a.Sum();
        var keep = Enumerable.Range(0, components).Where(j => a[j] / sum > 1e-5).ToArray();
        return new SersicMixture(n, keep.Select(j => sigma[j]).ToArray(), keep.Select(j => a[j] / sum).ToArray());
    }

    /// <summary>Fraction of the mixture's flux inside radius R (in R_e) for a circular profile.</summary>
    public double EnclosedFraction(double radius) =>
        Sigma.Select((s, j) => Amplitude[j] * (1 - Math.Exp(-radius * radius / (2 * s * s)))).Sum();
}
