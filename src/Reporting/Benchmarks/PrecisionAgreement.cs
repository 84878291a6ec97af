using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;

namespace MantisShrimp.Engine.Benchmarks;

/// <summary>How far bf16 scores are from fp32 scores of the same galaxies (PDFs and their summaries).</summary>
public sealed record PrecisionAgreement(int Galaxies, double MaxAbsDeltaP, double MaxAbsDeltaZMean, double MaxAbsDeltaZMode,
    int ModeBinChanges,
    double NmadFp32, double NmadBf16, double Eta015Fp32, double Eta015Bf16)
{
    /// <summary>Compares two scorings of the same records in the same order; NMAD and η(0.15) on z_mean, as <c>mantis
    /// evaluate</c>.</summary>
    public static PrecisionAgreement Of(IReadOnlyList<Prediction> fp32, IReadOnlyList<Prediction> bf16, double[] centres)
    {
        if (fp32.Count != bf16.Count) throw new ArgumentException($"{fp32.Count} fp32 vs {bf16.Count} bf16 predictions");
        double dp = 0, dMean = 0, dMode = 0;
        int changes = 0;
        var r32 = new double[fp32.Count];
        var r16 = new double[fp32.Count];
        for (int i = 0; i < fp32.Count; i++)
        {
            if (fp32[i].Record != bf16[i].Record) throw new ArgumentException($"prediction {i}: different records");
            var a = fp32[i].Probabilities;
            var b = bf16[i].Probabilities;
            for (int k = 0; k < a.Length; k++) dp = Math.Max(dp, Math.Abs(a[k] - b[k]));
            var sa = PdfSummary.From(a, centres);
            var sb = PdfSummary.From(b, centres);
            dMean = Math.Max(dMean, Math.Abs(sa.Mean - sb.Mean));
            dMode = Math.Max(dMode, Math.Abs(sa.Mode - sb.Mode));
            if (sa.Mode != sb.Mode) changes++;
            r32[i] = Metrics.Residual(sa.Mean, fp32[i].ZSpec);
            r16[i] = Metrics.Residual(sb.Mean, bf16[i].ZSpec);
        }
        return new PrecisionAgreement(fp32.Count, dp, dMean, dMode, changes, Metrics.Nmad(r32), Metrics.Nmad(r16), Metrics.Eta(r32, 0.15),
            Metrics.Eta(r16, 0.15));
    }
}
