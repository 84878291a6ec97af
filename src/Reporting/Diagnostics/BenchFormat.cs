using System.Globalization;

namespace MantisShrimp.Engine.Diagnostics;

/// <summary>Numbers as people read them: about four significant digits, no exponent for everyday magnitudes.</summary>
public static class BenchFormat
{
    public static string Value(double v)
    {
        if (double.IsNaN(v)) return "—";
        if (double.IsInfinity(v)) return v > 0 ? "∞" : "−∞";
        double a = Math.Abs(v);
        var inv = CultureInfo.InvariantCulture;
        if (a == 0) return "0";
        if (a >= 1e7 || a < 1e-3) return v.ToString("0.###e+0", inv);
        int digits = Math.Clamp(3 - (int)Math.Floor(Math.Log10(a)), 0, 6);
        return Math.Round(v, digits).ToString("N" + digits, inv).Replace(",", " ", StringComparison.Ordinal);
    }
}
