namespace MantisShrimp.Engine.Calibration;

/// <summary>
/// Monotone piecewise-cubic Hermite interpolation (Fritsch &amp; Carlson 1980, scipy's PchipInterpolator): through
/// monotone data the interpolant is monotone, so its derivative — a density — is never negative.
/// </summary>
public sealed class Pchip
{
    private readonly double[] _x, _y, _d;

    public Pchip(double[] x, double[] y)
    {
        if (x.Length != y.Length || x.Length < 2) throw new ArgumentException("PCHIP needs at least two points, as many x as y.");
        _x = x; _y = y;
        int n = x.Length;
        var h = new double[n - 1];
        var delta = new double[n - 1];
        for (int i = 0; i < n - 1; i++)
        {
            h[i] = x[i + 1] - x[i];
            if (!(h[i] > 0)) throw new ArgumentException("PCHIP abscissae must increase strictly.");
            delta[i] = (y[i + 1] - y[i]) / h[i];
        }
        _d = new double[n];
        if (n == 2) { _d[0] = _d[1] = delta[0]; return; }
        for (int i = 1; i < n - 1; i++)
        {
            if (delta[i - 1] * delta[i] <= 0) { _d[i] = 0; continue; }
            double w1 = 2 * h[i] + h[i - 1], w2 = h[i] + 2 * h[i - 1];
            _d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]); // weighted harmonic mean
        }
        _d[0] = EndSlope(h[0], h[1], delta[0], delta[1]);
        _d[n - 1] = EndSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
    }

    /// <summary>scipy's one-sided three-point end condition, limited to keep monotonicity.</summary>
    private static double EndSlope(double h0, double h1, double d0, double d1)
    {
        double d = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
        if (Math.Sign(d) != Math.Sign(d0)) return 0;
        if (Math.Sign(d0) != Math.Sign(d1) && Math.Abs(d) > Math.Abs(3 * d0)) return 3 * d0;
        return d;
    }

    private int Segment(double x)
    {
        int i = Array.BinarySearch(_x, x);
        if (i < 0) i = ~i - 1;
        return Math.Clamp(i, 0, _x.Length - 2);
    }

    public double Value(double x)
    {
        int i = Segment(x);
        double h = _x[i + 1] - _x[i], t = (x - _x[i]) / h;
        double h00 = (1 + 2 * t) * (1 - t) * (1 - t), h10 = t * (1 - t) * (1 - t), h01 = t * t * (3 - 2 * t), h11 = t * t * (t - 1);
        return h00 * _y[i] + h10 * h * _d[i] + h01 * _y[i + 1] + h11 * h * _d[i + 1];
    }

    public double Derivative(double x)
    {
        int i = Segment(x);
        double h = _x[i + 1] - _x[i], t = (x - _x[i]) / h;
        double dh00 = 6 * t * t - 6 * t, dh10 = 3 * t * t - 4 * t + 1, dh01 = -6 * t * t + 6 * t, dh11 = 3 * t * t - 2 * t;
        return (dh00 * _y[i] + dh01 * _y[i + 1]) / h + dh10 * _d[i] + dh11 * _d[i + 1];
    }
}
