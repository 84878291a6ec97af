using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Simulation;

/// <summary>The rest-frame spectral description of one galaxy (two components: bulge and disk).</summary>
public sealed record GalaxySpectrum
{
    /// <summary>4000 Å break of the old (bulge) light.</summary>
    public double D4000 { get; init; } = 1.9;
    /// <summary>Fraction of the disk's light from young stars (0 = all intermediate-age, 1 = all young).</summary>
    public double YoungFraction { get; init; }
    /// <summary>UV slope β of the young light.</summary>
    public double Beta { get; init; } = -2.0;
    public double BalmerBreak { get; init; } = 1.15;
    /// <summary>Internal stellar E(B−V) (Calzetti) of the disk; nebular lines get E_s / 0.44.</summary>
    public double EbvInternal { get; init; }
    /// <summary>Rest equivalent width of Hα (Å) against the disk continuum.</summary>
    public double EwHalpha { get; init; }
    /// <summary>[O II] 3727 / Hα and [O III] 5007 / Hβ flux ratios.</summary>
    public double OiiOverHalpha { get; init; } = 0.6;
    public double OiiiOverHbeta { get; init; } = 1.0;

    public double Bulge(double lambda) => Spectra.Old(lambda, D4000);

    /// <summary>The bulge spectrum on <see cref="SedGrid"/>.</summary>
    public void FillBulge(Span<double> f)
    {
        double inv = 1.0 / D4000;
        for (int i = 0; i < SedGrid.Points; i++) f[i] = SedGrid.OldA[i] + SedGrid.OldB[i] * inv;
    }

    /// <summary>The attenuated disk continuum on <see cref="SedGrid"/> (same values as <see cref="Disk"/>).</summary>
    public void FillDisk(Span<double> f)
    {
        double invBalmer = 1.0 / BalmerBreak;
        double dust = -0.4 * Math.Log(10) * EbvInternal;
        for (int i = 0; i < SedGrid.Points; i++)
        {
            double lambda = SedGrid.Lambda[i];
            double young = 0;
            if (lambda >= Spectra.LymanLimit)
            {
                double s = SedGrid.YoungStep[i];
                double uv = SedGrid.YoungJoin * Math.Exp(Beta * SedGrid.LnOver4000[i]);
                double bf = invBalmer + (1 - invBalmer) * s;
                young = (uv * (1 - s) + SedGrid.YoungBb[i] * s) * bf;
            }
            double c = YoungFraction * young / SedGrid.YoungNorm + (1 - YoungFraction) * SedGrid.Intermediate[i];
            f[i] = c * Math.Exp(dust * SedGrid.Calzetti[i]);
        }
    }

    /// <summary>Disk continuum: young + intermediate-age light, Calzetti-attenuated.</summary>
    public double Disk(double lambda)
    {
        double young = Spectra.Young(lambda, Beta, BalmerBreak);
        double intermediate = Spectra.Old(lambda, 1.25) * 0.6
            + Spectra.BlackBody(lambda, 6000) * 0.4 * (lambda < Spectra.LymanLimit ? 0 : 1);
        double c = YoungFraction * young / Spectra.BlackBody(5500, 10000) + (1 - YoungFraction) * intermediate / Spectra.Old(5500, 1.25);
        return c * Math.Pow(10, -0.4 * EbvInternal * Spectra.Calzetti(lambda));
    }

    /// <summary>Line fluxes (rest, same units as f_λ × Å) relative to the attenuated disk continuum at Hα.</summary>
    public IEnumerable<(double Lambda, double Flux)> DiskLines(double[]? diskGrid = null)
    {
        if (EwHalpha <= 0) yield break;
        double halpha = EwHalpha * (diskGrid is null ? Disk(6562.8) : SedGrid.Interpolate(diskGrid, 6562.8));
        double gasEbv = EbvInternal / 0.44;
        // Intrinsic ratios, then the extra nebular attenuation relative to Hα.
        double Attenuate(double lambda) => Math.Pow(10, -0.4 * gasEbv * (Spectra.Calzetti(lambda) - Spectra.Calzetti(6562.8)));
        double hbeta = halpha / 2.86;
        yield return (6562.8, halpha);
        yield return (6583.5, 0.3 * halpha);
        yield return (4861.3, hbeta * Attenuate(4861.3));
        yield return (5006.8, OiiiOverHbeta * hbeta * Attenuate(5006.8));
        yield return (4958.9, OiiiOverHbeta * hbeta / 3 * Attenuate(4958.9));
        yield return (3727.4, OiiOverHalpha * halpha * Attenuate(3727.4));
    }
}

/// <summary>
/// Synthetic photometry: AB magnitudes of redshifted, dimmed, IGM- and Milky-Way-attenuated spectra through
/// soft-edged top-hat passbands placed at the published bands (<see cref="BandCatalog"/>).
/// f_ν(band) = ∫ f_λ T λ dλ / ∫ T c/λ dλ; m_AB = −2.5 log10 f_ν − 48.6 (cgs).
/// </summary>
public static class Photometry
{
    private const double SpeedOfLightAngstrom = 2.99792458e18;
    private const int SamplesPerBand = 120;

    /// <summary>Per band: wavelengths (Å), weights T·λ·dλ, and the normalisation ∫ T c/λ dλ.</summary>
    private sealed record BandGrid(double[] Lambda, double[] LnLambda, double[] Weight, double[] Cardelli, double Norm);

    private static readonly BandGrid[] Grids = BandCatalog.All.Select(BuildGrid).ToArray();
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
            Attenuation = new double[BandCatalog.BandCount][];
            for (int b = 0; b < BandCatalog.BandCount; b++)
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
        var mags = new double[BandCatalog.BandCount];
        var lines = restLines as IReadOnlyList<(double Lambda, double Flux)> ?? restLines.ToArray();
        double z = obs.Z;
        for (int b = 0; b < BandCatalog.BandCount; b++)
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
                double t = Transmission(BandCatalog.All[b], lo);
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
