namespace MantisShrimp.Engine.Sources;

/// <summary>
/// Source extraction as sep 1.2 (<c>Background</c> + <c>extract</c> + <c>kron_radius</c>): background mesh,
/// detection at kσ of the global RMS on the filtered image (extract.c, lutz.c), deblending (deblend.c), cleaning
/// (extract.c's clean with CLEAN_PARAM), moments weighted by the filtered values (analyse.c) and Kron photometry.
/// </summary>
public static class Extractor
{
    /// <summary>sep's default clean_param (Source Extractor's CLEAN_PARAM): the Moffat β of the cleaning model.</summary>
    public const double CleanParam = 1.0;
    /// <summary>extract.h CLEAN_ZONE: neighbours farther than this × (a₁ + a₂) are not compared.</summary>
    public const double CleanZone = 10.0;

    /// <summary>
    /// Extracts the objects of a row-major image. With <paramref name="kronNearest"/> only the object whose centroid
    /// is nearest that point (the first on a tie) gets its Kron radius and flux (the rest: 0 and NaN), as the
    /// paper's target rule needs; otherwise every object does.
    /// </summary>
    public static ExtractionResult Extract(ReadOnlySpan<float> image, int width, int height, ExtractionSettings? settings = null,
        (double X, double Y)? kronNearest = null)
    {
        var (bkg, objects, threshold, sub) = Extract(image, width, height, settings, kronNearest, ExtractionBuffers.ForThread());
        return new ExtractionResult(bkg, objects, threshold, sub.AsSpan(0, width * height).ToArray());
    }

    /// <summary>
    /// The public Extract's work in this thread's <paramref name="buffers"/>: the subtracted image returned is one of
    /// them (its first width × height values), valid until the thread's next extraction.
    /// </summary>
    internal static (Background Background, List<DetectedObject> Objects, float Threshold, float[] Subtracted) Extract(
        ReadOnlySpan<float> image, int width, int height, ExtractionSettings? settings, (double X, double Y)? kronNearest,
        ExtractionBuffers buffers)
    {
        settings ??= ExtractionSettings.Default;
        int n = width * height;
        var bkg = Background.Measure(image, width, height, settings.MeshSize, settings.FilterSize);
        var sub = buffers.Subtracted(n);
        bkg.Subtract(image, sub.AsSpan(0, n));
        float threshold = (float)(settings.ThresholdSigma * bkg.GlobalRms);
        // A blank (e.g. no-coverage) image has nothing to detect.
        if (!(threshold > 0)) return (bkg, [], threshold, sub);
        var filtered = buffers.Filtered(n);
        Detection.Filter(sub.AsSpan(0, n), width, height, Detection.DefaultKernel, Detection.DefaultKernelSize, filtered.AsSpan(0, n),
            buffers);
        // Zeros between uses; cleared here too so that an extraction that failed half-way cannot leave marks for the next.
        var scratch = buffers.Labels(n);
        Array.Clear(scratch, 0, n);
        var components = Detection.Components(width, height, buffers.AllPixels(n).AsSpan(0, n), filtered, threshold, settings.MinArea,
            scratch, buffers);
        // lutz hands objects over as the scan completes them: by their last row, then column.
        components.Sort((a, b) => a[^1].CompareTo(b[^1]));
        uint randSeed = 1; // extract.c: randseed = 1 at the start of every sep_extract
        var parts = new List<DeblendedObject>();
        foreach (var c in components)
            parts.AddRange(Deblend.Split(c, sub, filtered, width, height, threshold, ref randSeed, scratch, settings.MinArea,
                settings.DeblendLevels, settings.DeblendContrast));
        var analysed = parts.Select(o => Moments.Analyse(o.Pixels, sub, filtered, width, threshold, o.CoreCentre)).ToList();
        var survivors = Enumerable.Range(0, parts.Count).ToList();
        if (settings.Clean) survivors = CleanSurvivors(parts, analysed, filtered, threshold, settings.MinArea);
        int kronOnly = -1;
        if (kronNearest is { } at)
        {
            double best = double.MaxValue;
            foreach (int i in survivors)
            {
                var m = analysed[i].Shape;
                double d = Math.Sqrt((m.X - at.X) * (m.X - at.X) + (m.Y - at.Y) * (m.Y - at.Y));
                if (d < best) { best = d; kronOnly = i; }
            }
        }
        var objects = new List<DetectedObject>(survivors.Count);
        foreach (int i in survivors)
        {
            var m = analysed[i].Shape;
            var e = new Ellipse(m.X, m.Y, m.A, m.B, m.Theta);
            double kron = kronNearest is null || i == kronOnly ? Aperture.KronRadius(sub, width, height, e) : 0;
            var (flux, area, _) = kron > 0
                ? Aperture.SumEllipse(sub, width, height, e.Scaled(Aperture.KronFactor * kron))
                : (double.NaN, 0, 0);
            objects.Add(new DetectedObject(m, analysed[i].FdPeak, threshold, kron, flux, area, parts[i].Pixels));
        }
        return (bkg, objects, threshold, sub);
    }

    /// <summary>
    /// sep's clean: object i is removed when a brighter (fdflux) neighbour within CLEAN_ZONE × (a₁ + a₂)
    /// predicts more than i's mthresh (its minarea-th brightest filtered pixel above threshold) at i's centre from
    /// the Moffat model amp·(1 + α r²)^−β, with β = <see cref="CleanParam"/> and amp, α from the neighbour's
    /// filtered flux, isophotal area and ellipse. Removed objects are dropped, not merged (sep 1.2).
    /// </summary>
    private static List<int> CleanSurvivors(List<DeblendedObject> parts, List<(Moments Shape, double FdFlux, float FdPeak, float DPeak,
        double AbCor)> info, float[] filtered, float threshold, int minArea)
    {
        int n = parts.Count;
        var survives = Enumerable.Repeat(true, n).ToArray();
        var mthresh = new double[n];
        for (int i = 0; i < n; i++) mthresh[i] = MThresh(parts[i].Pixels, filtered, threshold, minArea);
        double beta = CleanParam;
        for (int i = 0; i < n; i++)
        {
            if (!survives[i]) continue;
            var (o1, f1, _, _, ab1) = info[i];
            double unitareain = Math.PI * o1.A * o1.B;
            double ampin = f1 / (2 * unitareain * ab1);
            double alphain = (Math.Pow(ampin / threshold, 1.0 / beta) - 1) * unitareain / parts[i].Pixels.Length;
            for (int j = i + 1; j < n; j++)
            {
                if (!survives[j]) continue;
                var (o2, f2, _, _, ab2) = info[j];
                float dx = (float)(o1.X - o2.X), dy = (float)(o1.Y - o2.Y);
                float rlim = (float)(o1.A + o2.A);
                rlim *= rlim;
                if (dx * dx + dy * dy > rlim * CleanZone * CleanZone) continue;
                if (f2 < f1)
                {
                    double val = 1 + alphain * (o1.Cxx * dx * dx + o1.Cyy * dy * dy + o1.Cxy * dx * dy);
                    if (val > 1.0 && (float)(val < 1e10 ? ampin * Math.Pow(val, -beta) : 0.0) > mthresh[j]) survives[j] = false;
                }
                else
                {
                    double unitarea = Math.PI * o2.A * o2.B;
                    double amp = f2 / (2 * unitarea * ab2);
                    double alpha = (Math.Pow(amp / threshold, 1.0 / beta) - 1) * unitarea / parts[j].Pixels.Length;
                    double val = 1 + alpha * (o2.Cxx * dx * dx + o2.Cyy * dy * dy + o2.Cxy * dx * dy);
                    if (val > 1.0 && (float)(val < 1e10 ? amp * Math.Pow(val, -beta) : 0.0) > mthresh[i]) survives[i] = false;
                }
            }
        }
        return Enumerable.Range(0, n).Where(i => survives[i]).ToList();
    }

    /// <summary>
    /// analysemthresh (analyse.c), literally: a heap of the first minarea values (filtered − threshold) in pixel
    /// order, the next pixel only sorts it (and is skipped), later ones sift in with sep's index arithmetic; the
    /// result is heap[0]. Pixel order here is raster order, which is lutz's for the usual compact object.
    /// </summary>
    private static double MThresh(int[] pixels, float[] filtered, float threshold, int minArea)
    {
        if (pixels.Length < minArea) return 0;
        var heap = new float[minArea];
        int h = minArea, t = 0;
        foreach (int p in pixels)
        {
            float tpix = filtered[p] - threshold;
            if (h > 0) heap[t++] = tpix;
            else if (h < 0)
            {
                if (tpix > heap[0])
                {
                    heap[0] = tpix;
                    for (int j = 0, k; (k = (j + 1) << 1) <= minArea; j = k)
                    {
                        int hk = k;
                        if (k != minArea && heap[hk - 1] > heap[hk]) { hk++; k++; }
                        hk--;
                        if (heap[j] <= heap[hk]) break;
                        (heap[hk], heap[j]) = (heap[j], heap[hk]);
                    }
                }
            }
            else Array.Sort(heap);
            h--;
        }
        return heap[0];
    }
}
