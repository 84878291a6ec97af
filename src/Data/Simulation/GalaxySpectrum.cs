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
