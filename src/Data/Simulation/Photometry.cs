using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// Synthetic photometry: AB magnitudes of redshifted, dimmed, IGM- and Milky-Way-attenuated spectra through
/// soft-edged top-hat passbands placed at the published bands (<see cref="BandTable"/>).
/// f_ν(band) = ∫ f_λ T λ dλ / ∫ T c/λ dλ; m_AB = −2.5 log10 f_ν − 48.6 (cgs).
/// </summary>
public static class Photometry
{
    private const double SpeedOfLightAngstrom = 2.99792458e18;
    private const int SamplesPerBand = 120;

    /// <summary>Per band: wavelengths (Å), weights T·λ·dλ, and the normalisation ∫ T c/λ dλ.</summary>
    private sealed record BandGrid(double[] Lambda, double[] LnLambda, double[] Weight, double[] Cardelli, double Norm);

    private static readonly BandGrid[] Grids = BandTable.All.Select(BuildGrid).ToArray();
    private static readonly BandGrid RestR = Grids[(int)Band.r];

    /// <summary>Relative transmission at observed λ (Å) of a band: a top-hat with logistic edges 1.5% of the centre wide.</summary>
    public static double Transmission(BandInfo band, double lambda)
    {
        double w = 0.015 * band.CentreAngstrom;
        return Spectra.Step(lambda, band.PassbandAngstrom.Blue, w) * (1 - Spectra.Step(lambda, band.PassbandAngstrom.Red, w));
    }

    private static BandGrid BuildGrid(BandInfo band)
    {
        double w = 0.015 * band.CentreAngstrom;
        double lo = band.PassbandAngstrom.Blue - 6 * w, hi = band.PassbandAngstrom.Red + 6 * w;
        var lambda = new double[SamplesPerBand];
        var weight = new double[SamplesPerBand];
        double step = (hi - lo) / (SamplesPerBand - 1), norm = 0;
        for (int i = 0; i < SamplesPerBand; i++)
        {
            lambda[i] = lo + i * step;
            double t = Transmission(band, lambda[i]) * (i == 0 || i == SamplesPerBand - 1 ? 0.5 : 1) * step;
            weight[i] = t * lambda[i];
            norm += t * SpeedOfLightAngstrom / lambda[i];
        }
        return new BandGrid(lambda, lambda.Select(x => Math.Log(x)).ToArray(), weight,
            lambda.Select(x => Spectra.CardelliOverEbv(x)).ToArray(), norm);
    }

    private static double AbFromFnu(double fnu) => fnu > 0 ? -2.5 * Math.Log10(fnu) - 48.6 : double.PositiveInfinity;

    /// <summary>Rest-frame r-band AB magnitude of <paramref name="restSpectrum"/> (f_λ at 10 pc, cgs).</summary>
    public static double RestFrameR(Func<double, double> restSpectrum)
    {
        double sum = 0;
        for (int i = 0; i < SamplesPerBand; i++) sum += restSpectrum(RestR.Lambda[i]) * RestR.Weight[i];
        return AbFromFnu(sum / RestR.Norm);
    }

    /// <summary>Rest-frame r-band AB magnitude of a spectrum on <see cref="SedGrid"/>.</summary>
    public static double RestFrameR(double[] grid)
    {
        double sum = 0;
        for (int i = 0; i < SamplesPerBand; i++) sum += SedGrid.InterpolateLn(grid, RestR.LnLambda[i]) * RestR.Weight[i];
        return AbFromFnu(sum / RestR.Norm);
    }

    /// <summary>
    /// Observed AB magnitude in every band of a spectrum given at 10 pc (rest f_λ, cgs) plus lines, seen at
    /// redshift <paramref name="z"/> through the IGM and Milky-Way dust E(B−V) = <paramref name="ebvMilkyWay"/>.
    /// </summary>
    public static double[] Observed(Func<double, double> restSpectrum, IEnumerable<(double Lambda, double Flux)> restLines,
        double z, double ebvMilkyWay, Cosmology cosmology)
    {
        var grid = new double[SedGrid.Points];
        for (int i = 0; i < grid.Length; i++) grid[i] = restSpectrum(SedGrid.Lambda[i]);
        return Observed(grid, 1.0, restLines, new Observation(z, ebvMilkyWay, cosmology));
    }

    /// <summary>Per-galaxy observing conditions, with the attenuation at every band sample computed once.</summary>
    public sealed class Observation
    {
        public Observation(double z, double ebvMilkyWay, Cosmology cosmology)
        {
            Z = z;
            EbvMilkyWay = ebvMilkyWay;
            Dimming = Math.Pow(1e-5 / cosmology.LuminosityDistanceMpc(Math.Max(z, 1e-4)), 2); // (10 pc / d_L)²
            LnOnePlusZ = Math.Log(1 + z);
            Attenuation = new double[BandTable.BandCount][];
            for (int b = 0; b < BandTable.BandCount; b++)
            {
                var g = Grids[b];
                var a = new double[SamplesPerBand];
                for (int i = 0; i < SamplesPerBand; i++)
                    a[i] = Spectra.IgmTransmission(g.Lambda[i], z) * Math.Exp(-0.4 * Math.Log(10) * ebvMilkyWay * g.Cardelli[i]);
                Attenuation[b] = a;
            }
        }

        public double Z { get; }
        public double EbvMilkyWay { get; }
        public double Dimming { get; }
        public double LnOnePlusZ { get; }
        public double[][] Attenuation { get; }
    }

    /// <summary>Observed magnitudes of <paramref name="scale"/> × a rest spectrum on <see cref="SedGrid"/>, plus lines.</summary>
    public static double[] Observed(double[] grid, double scale, IEnumerable<(double Lambda, double Flux)> restLines, Observation obs)
    {
        var mags = new double[BandTable.BandCount];
        var lines = restLines as IReadOnlyList<(double Lambda, double Flux)> ?? restLines.ToArray();
        double z = obs.Z;
        for (int b = 0; b < BandTable.BandCount; b++)
        {
            var g = Grids[b];
            var att = obs.Attenuation[b];
            double sum = 0;
            for (int i = 0; i < SamplesPerBand; i++)
            {
                double f = SedGrid.InterpolateLn(grid, g.LnLambda[i] - obs.LnOnePlusZ);
                if (f > 0) sum += f * att[i] * g.Weight[i];
            }
            sum = sum * scale / (1 + z);
            foreach (var (l, flux) in lines)
            {
                double lo = l * (1 + z);
                double t = Transmission(BandTable.All[b], lo);
                if (t > 1e-6) sum += scale * flux * t * lo * Spectra.IgmTransmission(lo, z) * Math.Pow(10,
                    -0.4 * obs.EbvMilkyWay * Spectra.CardelliOverEbv(lo));
            }
            mags[b] = AbFromFnu(sum * obs.Dimming / g.Norm);
        }
        return mags;
    }

    /// <summary>Sum of magnitudes as fluxes.</summary>
    public static double Combine(double m1, double m2) =>
        -2.5 * Math.Log10(Math.Pow(10, -0.4 * m1) + Math.Pow(10, -0.4 * m2));
}
