namespace MantisShrimp.Engine.Sources;

/// <summary>
/// Multi-threshold deblending (Source Extractor §2.3 of Bertin &amp; Arnouts 1996; sep's deblend): between a
/// component's detection threshold and its peak, <see cref="Levels"/> thresholds are spaced exponentially; at
/// each one the component (or branch) is cut into its connected parts, and a split is kept when at least two
/// parts each hold more than <see cref="Contrast"/> of the whole component's flux. Pixels of the parent not in
/// any final branch go to the branch whose Gaussian profile (peak, centroid, second moments) is largest there.
/// </summary>
public static class Deblend
{
    /// <summary>sep's default number of deblending thresholds (deblend_nthresh).</summary>
    public const int Levels = 32;
    /// <summary>sep's default minimum flux fraction of a branch (deblend_cont).</summary>
    public const double Contrast = 0.005;

    /// <summary>Splits one component (pixel indices) of the filtered image into objects; each result has the pixels it owns and the threshold at which it separated.</summary>
    public static List<(int[] Pixels, float Threshold)> Split(int[] component, float[] filtered, int width, int height, float threshold,
        int minArea = Detection.MinArea, int levels = Levels, double contrast = Contrast)
    {
        float peak = component.Max(p => filtered[p]);
        double total = component.Sum(p => (double)filtered[p]);
        var branches = new List<Branch> { new(component, component, threshold) };
        if (levels < 2 || peak <= threshold || threshold <= 0 || component.Length < 2 * minArea)
            return [(component, threshold)];
        for (int i = 1; i < levels; i++)
        {
            float t = (float)(threshold * Math.Pow(peak / threshold, (double)i / levels));
            var next = new List<Branch>();
            foreach (var b in branches)
            {
                var parts = Detection.Components(width, height, b.Core, p => filtered[p] > t, minArea);
                var significant = parts.Where(part => part.Sum(p => (double)filtered[p]) > contrast * total).ToList();
                if (significant.Count >= 2)
                    next.AddRange(significant.Select(part => new Branch(part, part, t)));
                else
                    next.Add(b with { Core = parts.Count == 0 ? [] : parts.SelectMany(x => x).ToArray() });
            }
            branches = next;
        }
        if (branches.Count == 1) return [(component, threshold)];
        return Assign(component, branches, filtered, width);
    }

    private sealed record Branch(int[] Pixels, int[] Core, float Threshold);

    /// <summary>Gives every parent pixel not owned by a branch to the branch whose Gaussian model is largest there.</summary>
    private static List<(int[] Pixels, float Threshold)> Assign(int[] component, List<Branch> branches, float[] filtered, int width)
    {
        var owner = new Dictionary<int, int>();
        for (int k = 0; k < branches.Count; k++)
            foreach (int p in branches[k].Pixels) owner[p] = k;
        var models = branches.Select(b =>
        {
            var m = Moments.Measure(b.Pixels, filtered, width);
            return (m, Peak: b.Pixels.Max(p => filtered[p]));
        }).ToArray();
        var members = branches.Select(b => new List<int>(b.Pixels)).ToArray();
        foreach (int p in component)
        {
            if (owner.ContainsKey(p)) continue;
            double x = p % width, y = p / width, best = double.NegativeInfinity;
            int bestK = 0;
            for (int k = 0; k < models.Length; k++)
            {
                var (m, peak) = models[k];
                double dx = x - m.X, dy = y - m.Y;
                double r2 = m.Cxx * dx * dx + m.Cyy * dy * dy + m.Cxy * dx * dy;
                double logValue = Math.Log(Math.Max(peak, 1e-30)) - 0.5 * r2;
                if (logValue > best) { best = logValue; bestK = k; }
            }
            members[bestK].Add(p);
        }
        return members.Select((m, k) =>
        {
            var arr = m.ToArray();
            Array.Sort(arr);
            return (arr, branches[k].Threshold);
        }).ToList();
    }
}
