namespace MantisShrimp.Engine.Spectroscopy;

/// <summary>
/// Kept positions for the cross-survey duplicate test, hashed in cells of one radius in Dec by about one radius in
/// true angle along RA (wider towards the poles; one cell per stripe there), so a lookup reads a few cells however
/// many positions share a Dec (a list per Dec stripe made 20 k rows at one Dec take 14 s: quadratic).
/// </summary>
internal sealed class DuplicateIndex<T>(double radiusArcsec)
{
    private readonly double _stripeDeg = radiusArcsec / 3600, _sinHalf = Math.Sin(radiusArcsec / 3600 * Math.PI / 360);
    private readonly Dictionary<(long Stripe, long Cell), List<int>> _cells = new();
    private readonly List<(double Ra, double Dec, T Value)> _kept = [];

    /// <summary>Exact separations evaluated so far (what the index saves; tests count it).</summary>
    public long Comparisons { get; private set; }

    private long Stripe(double dec) => (long)Math.Floor(dec / _stripeDeg);

    /// <summary>
    /// Degrees of RA two positions within the radius can differ by, when one is at |Dec| ≤ <paramref name="absDec"/>:
    /// 2·asin(sin(r/2) / cos d) with d the larger |Dec| either can have; 180 (everything) near a pole.
    /// </summary>
    private double Window(double absDec)
    {
        double cos = Math.Cos(Math.Min(90, absDec + 2 * _stripeDeg) * Math.PI / 180);
        return cos <= _sinHalf ? 180 : 2 * Math.Asin(_sinHalf / cos) * 180 / Math.PI * (1 + 1e-9);
    }

    /// <summary>RA cells of a stripe: each at least the window of the stripe's largest |Dec| wide.</summary>
    private long CellsIn(long stripe)
    {
        double w = Window(Math.Max(Math.Abs(stripe * _stripeDeg), Math.Abs((stripe + 1) * _stripeDeg)));
        return w >= 180 ? 1 : Math.Max(1, (long)Math.Floor(360 / w));
    }

    private static long CellOf(double ra, long cells) => Math.Min(cells - 1, (long)Math.Floor(ra / 360 * cells));

    /// <summary>The first kept position within the radius, or false.</summary>
    public bool TryFind(double ra, double dec, out T match)
    {
        double w = Window(Math.Abs(dec));
        int best = int.MaxValue;
        long key = Stripe(dec);
        for (long k = key - 1; k <= key + 1; k++)
        {
            long n = CellsIn(k);
            long c0 = (long)Math.Floor((ra - w) / 360 * n), c1 = (long)Math.Floor((ra + w) / 360 * n);
            if (w >= 180 || c1 - c0 + 1 >= n) (c0, c1) = (0, n - 1);
            for (long c = c0; c <= c1; c++)
            {
                if (!_cells.TryGetValue((k, (c % n + n) % n), out var list)) continue;
                foreach (int index in list)
                {
                    if (index > best) break; // lists grow in index order
                    Comparisons++;
                    var o = _kept[index];
                    if (Sky.TanWcs.SeparationArcsec(o.Ra, o.Dec, ra, dec) <= radiusArcsec) best = index;
                }
            }
        }
        match = best == int.MaxValue ? default! : _kept[best].Value;
        return best != int.MaxValue;
    }

    public void Add(double ra, double dec, T value)
    {
        long k = Stripe(dec);
        var key = (k, CellOf(ra, CellsIn(k)));
        if (!_cells.TryGetValue(key, out var list)) _cells[key] = list = [];
        list.Add(_kept.Count);
        _kept.Add((ra, dec, value));
    }
}
