using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Evaluation;

/// <summary>
/// The point-estimate and PDF metrics, with exactly the published definitions (paper §5; the community's):
/// r = (z_mean − z_spec)/(1 + z_spec); NMAD = 1.4826·median(|r − median r|); bias = mean r; η_0.05, η_0.15 =
/// percentage of |r| above 0.05 and 0.15; PIT = CDF(z_spec) with the CDF linear inside each class; CDE loss =
/// mean of Σ_k (p_k/δz)²δz − 2 p_j/δz; KS, Cramér–von Mises and Anderson–Darling statistics of the PIT values
/// against U(0, 1) (u clipped to [1e-10, 1 − 1e-10] for AD).
/// </summary>
public static class Metrics
{
    public static double Residual(double zMean, double zSpec) => (zMean - zSpec) / (1 + zSpec);

    public static double Nmad(ReadOnlySpan<double> r)
    {
        var copy = r.ToArray();
        double median = Median(copy);
        for (int i = 0; i < copy.Length; i++) copy[i] = Math.Abs(copy[i] - median);
        return 1.4826 * Median(copy);
    }

    public static double Bias(ReadOnlySpan<double> r)
    {
        double s = 0;
        foreach (var v in r) s += v;
        return s / r.Length;
    }

    /// <summary>Outlier rate in percent: |r| &gt; threshold.</summary>
    public static double Eta(ReadOnlySpan<double> r, double threshold)
    {
        int n = 0;
        foreach (var v in r) if (Math.Abs(v) > threshold) n++;
        return 100.0 * n / r.Length;
    }

    /// <summary>Index of the class holding z: min(floor(z/δz), 399).</summary>
    public static int ClassIndex(double z) => Math.Min((int)Math.Floor(z / RedshiftGrid.BinWidth), RedshiftGrid.Classes - 1);

    public static double Pit(ReadOnlySpan<float> p, double zSpec)
    {
        int j = ClassIndex(zSpec);
        double below = 0;
        for (int k = 0; k < j; k++) below += p[k];
        return below + p[j] * (zSpec - j * RedshiftGrid.BinWidth) / RedshiftGrid.BinWidth;
    }

    /// <summary>One galaxy's CDE-loss term: Σ_k (p_k/δz)²·δz − 2·p_j/δz.</summary>
    public static double CdeTerm(ReadOnlySpan<float> p, double zSpec)
    {
        double dz = RedshiftGrid.BinWidth, sum = 0;
        foreach (var v in p) sum += (v / dz) * (v / dz) * dz;
        return sum - 2 * p[ClassIndex(zSpec)] / dz;
    }

    public static double KolmogorovSmirnov(double[] sortedU)
    {
        int n = sortedU.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
            d = Math.Max(d, Math.Max((i + 1.0) / n - sortedU[i], sortedU[i] - (double)i / n));
        return d;
    }

    public static double CramerVonMises(double[] sortedU)
    {
        int n = sortedU.Length;
        double s = 1.0 / (12 * n);
        for (int i = 1; i <= n; i++) s += Math.Pow((2.0 * i - 1) / (2.0 * n) - sortedU[i - 1], 2);
        return s;
    }

    public static double AndersonDarling(double[] sortedU)
    {
        int n = sortedU.Length;
        double s = 0;
        for (int i = 1; i <= n; i++)
        {
            double a = Math.Clamp(sortedU[i - 1], 1e-10, 1 - 1e-10), b = Math.Clamp(sortedU[n - i], 1e-10, 1 - 1e-10);
            s += (2.0 * i - 1) * (Math.Log(a) + Math.Log(1 - b));
        }
        return -n - s / n;
    }

    public static double Median(double[] values)
    {
        if (values.Length == 0) return double.NaN;
        int mid = values.Length / 2;
        double upper = QuickSelect(values, mid);
        if (values.Length % 2 == 1) return upper;
        double lower = double.NegativeInfinity;
        for (int i = 0; i < mid; i++) lower = Math.Max(lower, values[i]); // after selection, [0, mid) ≤ values[mid]
        return 0.5 * (lower + upper);
    }

    /// <summary>k-th smallest (0-based), partially reordering <paramref name="a"/> (Hoare selection, median-of-three pivot).</summary>
    public static double QuickSelect(double[] a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (a[mid] < a[lo]) (a[mid], a[lo]) = (a[lo], a[mid]);
            if (a[hi] < a[lo]) (a[hi], a[lo]) = (a[lo], a[hi]);
            if (a[hi] < a[mid]) (a[hi], a[mid]) = (a[mid], a[hi]);
            double pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }
}

/// <summary>One galaxy's scored values, as evaluation needs them.</summary>
public sealed record ScoredGalaxy(string Id, double ZSpec, double ZMean, float[]? Pdf, IReadOnlyDictionary<string, string> Extra);

/// <summary>
/// All metrics of a set of galaxies, with bootstrap standard errors. The per-galaxy quantities (r, PIT, CDE term)
/// are computed once; a bootstrap resample only gathers them, sorts the PIT values and selects medians — so the
/// paper's 100 000 resamples take seconds, not hours.
/// </summary>
public static class MetricSet
{
    /// <summary>Per-galaxy residuals, PIT values and CDE-loss terms (PIT/CDE empty without PDFs).</summary>
    public sealed record Prepared(double[] Residual, double[] Pit, double[] Cde)
    {
        public bool HasPdfs => Pit.Length > 0;
        public int Count => Residual.Length;
    }

    public static Prepared Prepare(IReadOnlyList<ScoredGalaxy> g)
    {
        bool pdfs = g.Count > 0 && g[0].Pdf is not null;
        var r = new double[g.Count];
        var pit = pdfs ? new double[g.Count] : [];
        var cde = pdfs ? new double[g.Count] : [];
        for (int i = 0; i < g.Count; i++)
        {
            r[i] = Metrics.Residual(g[i].ZMean, g[i].ZSpec);
            if (pdfs)
            {
                pit[i] = Metrics.Pit(g[i].Pdf, g[i].ZSpec);
                cde[i] = Metrics.CdeTerm(g[i].Pdf, g[i].ZSpec);
            }
        }
        return new Prepared(r, pit, cde);
    }

    public static MetricValues Compute(IReadOnlyList<ScoredGalaxy> g) => Compute(Prepare(g), null);

    /// <summary>Metrics of the galaxies at <paramref name="index"/> (all when null). PDF metrics are NaN without PDFs.</summary>
    public static MetricValues Compute(Prepared p, int[]? index)
    {
        int n = index?.Length ?? p.Count;
        var r = new double[n];
        var pit = p.HasPdfs ? new double[n] : [];
        double cde = 0;
        for (int i = 0; i < n; i++)
        {
            int k = index is null ? i : index[i];
            r[i] = p.Residual[k];
            if (p.HasPdfs)
            {
                pit[i] = p.Pit[k];
                cde += p.Cde[k];
            }
        }
        Array.Sort(pit);
        return new MetricValues(
            Nmad: Metrics.Nmad(r),
            Bias: Metrics.Bias(r),
            Eta0p05: Metrics.Eta(r, 0.05),
            Eta0p15: Metrics.Eta(r, 0.15),
            CdeLoss: p.HasPdfs ? cde / n : double.NaN,
            PitKs: p.HasPdfs ? Metrics.KolmogorovSmirnov(pit) : double.NaN,
            PitCvm: p.HasPdfs ? Metrics.CramerVonMises(pit) : double.NaN,
            PitAd: p.HasPdfs ? Metrics.AndersonDarling(pit) : double.NaN);
    }

    /// <summary>Bootstrap standard error of every metric: <paramref name="resamples"/> resamples with replacement, seeded, in
    /// parallel.</summary>
    public static MetricValues BootstrapStandardErrors(IReadOnlyList<ScoredGalaxy> g, int resamples, ulong seed)
    {
        var p = Prepare(g);
        int n = p.Count, metrics = MetricValues.Names.Count;
        var values = new double[resamples * metrics];
        // Per-thread buffers: a resample allocates nothing.
        Parallel.For(0, resamples, () => (R: new double[n], Pit: new double[p.HasPdfs ? n : 0]), (b, _, buf) =>
        {
            var rng = SplitMix64.ForStream(seed, (ulong)b);
            double cde = 0;
            for (int i = 0; i < n; i++)
            {
                int k = (int)rng.NextInt64(n);
                buf.R[i] = p.Residual[k];
                if (p.HasPdfs)
                {
                    buf.Pit[i] = p.Pit[k];
                    cde += p.Cde[k];
                }
            }
            // In the order of MetricValues.Names.
            var v = values.AsSpan(b * metrics, metrics);
            v[1] = Metrics.Bias(buf.R);
            v[2] = Metrics.Eta(buf.R, 0.05);
            v[3] = Metrics.Eta(buf.R, 0.15);
            v[0] = NmadInPlace(buf.R);
            if (p.HasPdfs)
            {
                Array.Sort(buf.Pit);
                v[4] = cde / n;
                v[5] = Metrics.KolmogorovSmirnov(buf.Pit);
                v[6] = Metrics.CramerVonMises(buf.Pit);
                v[7] = Metrics.AndersonDarling(buf.Pit);
            }
            else v[4..].Fill(double.NaN);
            return buf;
        }, _ => { });
        var result = new double[metrics];
        for (int j = 0; j < metrics; j++)
        {
            double mean = 0, sq = 0;
            for (int b = 0; b < resamples; b++) mean += values[b * metrics + j];
            mean /= resamples;
            for (int b = 0; b < resamples; b++) sq += Math.Pow(values[b * metrics + j] - mean, 2);
            result[j] = resamples > 1 ? Math.Sqrt(sq / (resamples - 1)) : double.NaN;
        }
        return MetricValues.FromSpan(result);
    }

    /// <summary>NMAD of <paramref name="r"/>, reusing it as scratch.</summary>
    private static double NmadInPlace(double[] r)
    {
        double median = Metrics.Median(r);
        for (int i = 0; i < r.Length; i++) r[i] = Math.Abs(r[i] - median);
        return 1.4826 * Metrics.Median(r);
    }
}
