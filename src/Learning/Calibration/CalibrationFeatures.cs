using MantisShrimp.Engine.Sources;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Calibration;

/// <summary>
/// The calibration network's photometric features (paper App. B): per band the target's flux measured by
/// <see cref="TargetPhotometry"/> (Kron ellipse of the detection nearest the centre within 5 px, else the static
/// aperture), as luptitudes L = asinh(0.6·flux)/6; then all ordered pairwise differences L[a] − L[b] (a ≠ b, 72),
/// the two E(B−V) values and the 9 luptitudes: 83 values, in that order.
/// </summary>
public static class CalibrationFeatures
{
    public const int Count = BandTable.BandCount * (BandTable.BandCount - 1) + 2 + BandTable.BandCount;

    public static string[] Names()
    {
        var bands = BandTable.All.Select(b => b.Name).ToArray();
        var names = new List<string>();
        for (int a = 0; a < bands.Length; a++)
            for (int b = 0; b < bands.Length; b++)
                if (a != b) names.Add($"L_{bands[a]}-L_{bands[b]}");
        names.Add("ebv_csfd");
        names.Add("ebv_planck");
        names.AddRange(bands.Select(b => $"L_{b}"));
        return names.ToArray();
    }

    public static float[] FromLuptitudes(ReadOnlySpan<double> luptitudes, float ebvCsfd, float ebvPlanck)
    {
        var f = new float[Count];
        int i = 0;
        for (int a = 0; a < luptitudes.Length; a++)
            for (int b = 0; b < luptitudes.Length; b++)
                if (a != b) f[i++] = (float)(luptitudes[a] - luptitudes[b]);
        f[i++] = ebvCsfd;
        f[i++] = ebvPlanck;
        foreach (var l in luptitudes) f[i++] = (float)l;
        return f;
    }

    /// <summary>Features of one raw sample (native pixels of the 9 bands in channel order).</summary>
    public static float[] FromSample(ReadOnlySpan<float> samplePixels, float ebvCsfd, float ebvPlanck) =>
        FromTargets(TargetPhotometry.MeasureSample(samplePixels), ebvCsfd, ebvPlanck);

    /// <summary>Features of measured targets (9 bands, channel order).</summary>
    public static float[] FromTargets(IReadOnlyList<TargetMeasurement> targets, float ebvCsfd, float ebvPlanck)
    {
        var lup = targets.Select(t => double.IsFinite(t.Flux) ? t.Luptitude : 0.0).ToArray();
        return FromLuptitudes(lup, ebvCsfd, ebvPlanck);
    }
}

/// <summary>Features of shard records, computed in parallel from their stored pixels and E(B−V).</summary>
public static class RecordFeatures
{
    public static float[][] Compute(Data.ShardSet set, IReadOnlyList<Data.RecordRef> records)
    {
        var result = new float[records.Count][];
        Parallel.For(0, records.Count, i =>
        {
            var shard = set.Shards[records[i].Shard];
            ref readonly var h = ref shard.Header(records[i].Slot);
            result[i] = CalibrationFeatures.FromTargets(Data.PhotometryTable.Of(set, records[i]), h.EbvCsfd, h.EbvPlanck);
        });
        return result;
    }
}
