namespace MantisShrimp.Engine.Calibration;

/// <summary>
/// Clenshaw–Curtis quadrature (as UMNN uses it): nodes x_k = cos(kπ/N), k = 0…N, on [−1, 1] with weights from
/// Trefethen's <c>clencurt</c>; exact for polynomials of degree N and spectrally accurate for smooth integrands.
/// </summary>
public static class ClenshawCurtis
{
    /// <summary>Nodes on [0, 1] (t = (x + 1)/2) and weights for ∫₀¹ (they sum to 1).</summary>
    public static (double[] Nodes, double[] Weights) UnitInterval(int nodes)
    {
        if (nodes < 2) throw new ArgumentOutOfRangeException(nameof(nodes), "At least 2 nodes.");
        int n = nodes - 1;
        var x = new double[nodes];
        var w = new double[nodes];
        for (int k = 0; k <= n; k++)
        {
            double theta = k * Math.PI / n;
            x[k] = Math.Cos(theta);
            double sum = 0;
            for (int j = 1; j <= n / 2; j++)
            {
                double b = 2 * j == n ? 1 : 2;
                sum += b / (4.0 * j * j - 1) * Math.Cos(2 * j * theta);
            }
            double c = k == 0 || k == n ? 1 : 2;
            w[k] = c / n * (1 - sum);
        }
        // Map [−1, 1] → [0, 1].
        return (x.Select(v => (v + 1) / 2).ToArray(), w.Select(v => v / 2).ToArray());
    }
}
