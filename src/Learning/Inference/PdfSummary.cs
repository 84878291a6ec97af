namespace MantisShrimp.Engine.Inference;

/// <summary>Point estimates and central intervals of a redshift PDF given as probability mass per class.</summary>
public readonly record struct PdfSummary(double Mean, double Mode, double Std, double Lo68, double Hi68, double Lo90, double Hi90)
{
    /// <summary>
    /// z_mean = Σ p_k c_k over the class centres c_k (the model card's; default the bin centres (k+½)δz); z_mode = the
    /// centre of the most probable class; z_std the standard deviation about z_mean; intervals = quantiles 0.16/0.84 and
    /// 0.05/0.95 of the piecewise-linear CDF over the bins (linear inside each bin). <paramref name="p"/> must sum to 1.
    /// </summary>
    public static PdfSummary From(ReadOnlySpan<float> p, double[]? centres = null)
    {
        double dz = RedshiftGrid.BinWidth, mean = 0, second = 0;
        int mode = 0;
        for (int k = 0; k < p.Length; k++)
        {
            double c = centres?[k] ?? (k + 0.5) * dz;
            mean += p[k] * c;
            second += p[k] * c * c;
            if (p[k] > p[mode]) mode = k;
        }
        double std = Math.Sqrt(Math.Max(0, second - mean * mean));
        return new PdfSummary(mean, centres?[mode] ?? (mode + 0.5) * dz, std, Quantile(p, 0.16), Quantile(p, 0.84), Quantile(p, 0.05),
            Quantile(p, 0.95));
    }

    /// <summary>The z where the piecewise-linear CDF reaches <paramref name="q"/>.</summary>
    public static double Quantile(ReadOnlySpan<float> p, double q)
    {
        double dz = RedshiftGrid.BinWidth, cdf = 0;
        for (int k = 0; k < p.Length; k++)
        {
            double next = cdf + p[k];
            if (next >= q && p[k] > 0) return (k + (q - cdf) / p[k]) * dz;
            cdf = next;
        }
        return p.Length * dz;
    }
}
