namespace MantisShrimp.Engine.Sources;

/// <summary>
/// Multi-threshold deblending as sep's deblend (deblend.c; Bertin &amp; Arnouts 1996 §2.3): <see cref="Levels"/>
/// thresholds are spaced exponentially between the detection threshold and the component's filtered peak; at each
/// one every branch of the tree is cut into its connected parts of at least min(minarea, 3) pixels (lutz.c's
/// deb_maxarea). Walking the tree from the top, a node splits when two or more of its children hold more than
/// <see cref="Contrast"/> of the component's filtered flux counted above their own threshold
/// (fdflux − thresh·fdnpix); then its unsplit significant children become objects. The parent's pixels not in
/// any object are handed out as sep's gatherup does: at random, with probability proportional to each object's
/// Gaussian profile (amplitude from its isophotal area), from glibc's rand_r seeded with 1 per extraction.
/// </summary>
public static class Deblend
{
    /// <summary>sep's default number of deblending thresholds (deblend_nthresh).</summary>
    public const int Levels = 32;
    /// <summary>sep's default minimum flux fraction of a branch (deblend_cont).</summary>
    public const double Contrast = 0.005;
    /// <summary>extract.h MAXDEBAREA: sub-objects need min(minarea, this) pixels.</summary>
    public const int MaxDeblendArea = 3;
    /// <summary>gatherup: profiles are cut at exp(−70).</summary>
    private const double ProfileCut = 70.0;
    /// <summary>glibc's RAND_MAX (sep's gatherup draws with rand_r).</summary>
    private const double RandMax = 2147483647.0;

    private sealed class Node(int[] pixels, float threshold, double fdflux)
    {
        public int[] Pixels { get; } = pixels;
        public float Threshold { get; } = threshold;
        public double FdFlux { get; } = fdflux;
        public List<Node> Children { get; } = [];
        public bool Ok { get; set; } = true;
    }

    /// <summary>
    /// Splits one detected component (pixel indices, sorted) of the filtered image. <paramref name="randSeed"/> is
    /// the rand_r state, carried across the components of one extraction as in sep.
    /// </summary>
    public static List<DeblendedObject> Split(int[] component, float[] image, float[] filtered, int width, int height, float threshold,
        ref uint randSeed, int[] scratch, int minArea = Detection.MinArea, int levels = Levels, double contrast = Contrast)
    {
        double fdflux = 0;
        float peak = float.MinValue;
        foreach (int p in component) { fdflux += filtered[p]; peak = Math.Max(peak, filtered[p]); }
        fdflux = (float)fdflux;
        if (levels < 2) return [new DeblendedObject(component, null)];
        var root = new Node(component, threshold, fdflux);
        double value0 = fdflux * contrast;
        int debArea = Math.Min(minArea, MaxDeblendArea);
        var current = new List<Node> { root };
        var byLevel = new List<List<Node>> { current };
        for (int k = 1; k < levels; k++)
        {
            float t = peak > 0 ? (float)(threshold * Math.Pow(peak / threshold, (double)k / levels)) : threshold;
            var next = new List<Node>();
            foreach (var node in current)
                foreach (var part in Detection.Components(width, height, node.Pixels, filtered, t, debArea, scratch))
                {
                    double f = 0;
                    foreach (int p in part) f += filtered[p];
                    var child = new Node(part, t, (float)f);
                    node.Children.Add(child);
                    next.Add(child);
                }
            byLevel.Add(next);
            current = next;
            if (next.Count == 0) break;
        }
        var pieces = new List<Node>();
        for (int k = byLevel.Count - 2; k >= 0; k--)
            foreach (var node in byLevel[k])
            {
                int m = 0;
                foreach (var c in node.Children)
                {
                    if (c.FdFlux - c.Threshold * c.Pixels.Length > value0) m++;
                    node.Ok &= c.Ok;
                }
                if (m <= 1) continue;
                foreach (var c in node.Children)
                    if (c.Ok && c.FdFlux - c.Threshold * c.Pixels.Length > value0) pieces.Add(c);
                node.Ok = false;
            }
        if (root.Ok) return [new DeblendedObject(component, null)];
        return GatherUp(component, pieces, image, filtered, width, threshold, ref randSeed, scratch);
    }

    /// <summary>sep's gatherup: the pixels of the parent outside every piece go to a piece drawn by its profile there.</summary>
    private static List<DeblendedObject> GatherUp(int[] component, List<Node> pieces, float[] image, float[] filtered, int width,
        float rootThreshold, ref uint randSeed, int[] scratch)
    {
        int n = pieces.Count;
        var shapes = new Moments[n];
        var abcor = new double[n];
        var amp = new double[n];
        var members = new List<int>[n];
        const int Owned = 1;
        for (int i = 0; i < n; i++)
        {
            var piece = pieces[i];
            // analyse(robust = 0) runs while each piece still has its own level as threshold.
            var (shape, _, fdpeak, _, ab) = Moments.Analyse(piece.Pixels, image, filtered, width, piece.Threshold);
            shapes[i] = shape; abcor[i] = ab;
            double dist = piece.Pixels.Length / (2 * Math.PI * ab * shape.A * shape.B);
            amp[i] = dist < ProfileCut ? rootThreshold * MathF.Exp((float)dist) : 4.0 * fdpeak;
            if (amp[i] > 4.0 * fdpeak) amp[i] = 4.0 * fdpeak;
            members[i] = new List<int>(piece.Pixels);
            foreach (int p in piece.Pixels) scratch[p] = Owned;
        }
        var cumulative = new double[n];
        foreach (int p in component)
        {
            if (scratch[p] == Owned) continue;
            int x = p % width, y = p / width, closest = 0;
            double distmin = 1e31, total = 0;
            for (int i = 0; i < n; i++)
            {
                var s = shapes[i];
                float dx = (float)(x - s.X), dy = (float)(y - s.Y);
                float dist = (float)(0.5 * (s.Cxx * dx * dx + s.Cyy * dy * dy + s.Cxy * dx * dy) / abcor[i]);
                total = (float)(total + (dist < ProfileCut ? amp[i] * MathF.Exp(-dist) : 0.0)); // sep's p[] is float
                cumulative[i] = total;
                if (dist < distmin) { distmin = dist; closest = i; }
            }
            int chosen = closest;
            if (total > 1.0e-31)
            {
                float draw = (float)(total * RandR(ref randSeed) / (float)RandMax);
                int i = 0;
                while (i < n && cumulative[i] < draw) i++;
                chosen = i == n ? closest : i;
            }
            members[chosen].Add(p);
        }
        foreach (var piece in pieces) foreach (int p in piece.Pixels) scratch[p] = 0;
        var result = new List<DeblendedObject>(n);
        for (int i = 0; i < n; i++)
        {
            var arr = members[i].ToArray();
            Array.Sort(arr);
            result.Add(new DeblendedObject(arr, (shapes[i].X, shapes[i].Y)));
        }
        return result;
    }

    /// <summary>glibc's rand_r (three rounds of the LCG 1103515245·s + 12345), as sep's gatherup calls it.</summary>
    internal static int RandR(ref uint seed)
    {
        uint next = seed;
        next = next * 1103515245 + 12345;
        int result = (int)(next / 65536 % 2048);
        next = next * 1103515245 + 12345;
        result <<= 10;
        result ^= (int)(next / 65536 % 1024);
        next = next * 1103515245 + 12345;
        result <<= 10;
        result ^= (int)(next / 65536 % 1024);
        seed = next;
        return result;
    }
}
