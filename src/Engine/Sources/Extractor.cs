namespace MantisShrimp.Engine.Sources;

/// <summary>One detected object: isophotal moments (on the background-subtracted image), Kron radius and flux.</summary>
/// <param name="KronArea">Pixels (sub-pixel weighted, as sep) of the Kron ellipse that hold valid data.</param>
public sealed record DetectedObject(Moments Shape, float Peak, float Threshold, double KronRadius, double KronFlux, double KronArea, int[] Pixels)
{
    /// <summary>The isophotal ellipse (a, b, θ) at the centroid.</summary>
    public Ellipse Ellipse => new(Shape.X, Shape.Y, Shape.A, Shape.B, Shape.Theta);

    /// <summary>The Kron aperture: the isophotal ellipse scaled by 2.5 × the Kron radius.</summary>
    public Ellipse KronEllipse => Ellipse.Scaled(Aperture.KronFactor * KronRadius);
}

public sealed record ExtractionResult(Background Background, IReadOnlyList<DetectedObject> Objects, float Threshold, float[] Subtracted);

/// <summary>Settings of an extraction, defaulting to sep's (and the paper's) values.</summary>
public sealed record ExtractionSettings
{
    public int MeshSize { get; init; } = Background.MeshSize;
    public int FilterSize { get; init; } = Background.FilterSize;
    public double ThresholdSigma { get; init; } = Detection.ThresholdSigma;
    public int MinArea { get; init; } = Detection.MinArea;
    public int DeblendLevels { get; init; } = Deblend.Levels;
    public double DeblendContrast { get; init; } = Deblend.Contrast;
    public bool Clean { get; init; } = true;

    public static readonly ExtractionSettings Default = new();
}

/// <summary>
/// Source extraction (sep's <c>Background</c> + <c>extract</c> + <c>kron_radius</c>): background mesh, detection at
/// kσ of the global RMS on the filtered image, deblending, cleaning, moments and Kron photometry.
/// </summary>
public static class Extractor
{
    /// <summary>Cleaning: a neighbour's Moffat profile uses this β (an approximation of Source Extractor's CLEAN_PARAM = 1 model).</summary>
    public const double CleanMoffatBeta = 3.0;
    /// <summary>An object is merged into a brighter neighbour whose profile predicts at least this fraction of its flux.</summary>
    public const double CleanFluxFraction = 0.5;

    public static ExtractionResult Extract(ReadOnlySpan<float> image, int width, int height, ExtractionSettings? settings = null)
    {
        settings ??= ExtractionSettings.Default;
        var bkg = Background.Measure(image, width, height, settings.MeshSize, settings.FilterSize);
        var sub = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float v = image[y * width + x];
                sub[y * width + x] = float.IsFinite(v) ? v - bkg.BackAt(x, y) : float.NaN;
            }
        float threshold = (float)(settings.ThresholdSigma * bkg.GlobalRms);
        if (!(threshold > 0)) return new ExtractionResult(bkg, [], threshold, sub); // a blank (e.g. no-coverage) image has nothing to detect
        var filtered = Detection.Filter(sub, width, height, Detection.DefaultKernel, Detection.DefaultKernelSize);
        var components = Detection.Components(width, height, Enumerable.Range(0, width * height), p => filtered[p] > threshold, settings.MinArea);
        var parts = new List<(int[] Pixels, float Threshold)>();
        foreach (var c in components)
            parts.AddRange(Deblend.Split(c, filtered, width, height, threshold, settings.MinArea, settings.DeblendLevels, settings.DeblendContrast));
        if (settings.Clean) parts = CleanSpurious(parts, filtered, width);
        var objects = new List<DetectedObject>(parts.Count);
        foreach (var (pixels, t) in parts)
        {
            var m = Moments.Measure(pixels, sub, width);
            var e = new Ellipse(m.X, m.Y, m.A, m.B, m.Theta);
            double kron = Aperture.KronRadius(sub, width, height, e);
            var (flux, area, _) = kron > 0 ? Aperture.SumEllipse(sub, width, height, e.Scaled(Aperture.KronFactor * kron)) : (double.NaN, 0, 0);
            objects.Add(new DetectedObject(m, pixels.Max(p => filtered[p]), t, kron, flux, area, pixels));
        }
        return new ExtractionResult(bkg, objects, threshold, sub);
    }

    /// <summary>
    /// Merges spurious detections in the wings of brighter objects (the purpose of sep's clean = True):
    /// object i goes into brighter neighbour j when j's Moffat profile (peak, second-moment ellipse, β =
    /// <see cref="CleanMoffatBeta"/>) predicts at least <see cref="CleanFluxFraction"/> of i's flux over i's pixels.
    /// </summary>
    private static List<(int[] Pixels, float Threshold)> CleanSpurious(List<(int[] Pixels, float Threshold)> parts, float[] filtered, int width)
    {
        if (parts.Count < 2) return parts;
        var info = parts.Select(p => (M: Moments.Measure(p.Pixels, filtered, width), Peak: p.Pixels.Max(q => filtered[q]))).ToArray();
        var target = Enumerable.Range(0, parts.Count).ToArray();
        var order = Enumerable.Range(0, parts.Count).OrderBy(i => info[i].Peak).ToArray(); // faintest first
        foreach (int i in order)
        {
            double own = parts[i].Pixels.Sum(p => Math.Max(filtered[p], 0f));
            for (int j = 0; j < parts.Count; j++)
            {
                if (j == i || info[j].Peak <= info[i].Peak || target[j] != j) continue;
                var (m, peak) = info[j];
                double predicted = 0;
                foreach (int p in parts[i].Pixels)
                {
                    double dx = p % width - m.X, dy = p / width - m.Y;
                    predicted += peak * Math.Pow(1 + m.Cxx * dx * dx + m.Cyy * dy * dy + m.Cxy * dx * dy, -CleanMoffatBeta);
                }
                if (predicted >= CleanFluxFraction * own) { target[i] = j; break; }
            }
        }
        var merged = new List<(int[] Pixels, float Threshold)>();
        for (int j = 0; j < parts.Count; j++)
        {
            if (target[j] != j) continue;
            var pixels = new List<int>(parts[j].Pixels);
            for (int i = 0; i < parts.Count; i++)
                if (i != j && Root(target, i) == j) pixels.AddRange(parts[i].Pixels);
            var arr = pixels.ToArray();
            Array.Sort(arr);
            merged.Add((arr, parts[j].Threshold));
        }
        return merged;
    }

    private static int Root(int[] target, int i)
    {
        while (target[i] != i) i = target[i];
        return i;
    }
}
