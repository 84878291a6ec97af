using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Tests;

public class ZigguratTests
{
    [Fact]
    public void Moments_and_tails_are_those_of_a_standard_normal()
    {
        var rng = new SplitMix64(42);
        const int n = 2_000_000;
        double s1 = 0, s2 = 0, s4 = 0;
        int beyond2 = 0, beyond3 = 0, beyond4 = 0;
        for (int i = 0; i < n; i++)
        {
            double x = Ziggurat.Next(ref rng);
            s1 += x; s2 += x * x; s4 += x * x * x * x;
            double a = Math.Abs(x);
            if (a > 2) beyond2++;
            if (a > 3) beyond3++;
            if (a > 4) beyond4++;
        }
        double mean = s1 / n, var = s2 / n - mean * mean;
        Assert.InRange(mean, -0.003, 0.003);
        Assert.InRange(var, 0.995, 1.005);
        Assert.InRange(s4 / n / (var * var), 2.97, 3.03);
        // Two-sided tail probabilities: 0.0455, 0.0027, 6.3e-5.
        Assert.InRange(beyond2 / (double)n, 0.0445, 0.0465);
        Assert.InRange(beyond3 / (double)n, 0.0025, 0.0029);
        Assert.InRange(beyond4 / (double)n, 3.5e-5, 9.5e-5);
    }
}
