namespace MantisShrimp.Engine.Sources;

/// <summary>
/// Isophotal moments of an object (sep's analyse / Source Extractor's X_IMAGE, X2_IMAGE, A, B, THETA): the
/// flux-weighted centroid and second moments of its pixels, and the ellipse they define.
/// (cxx, cyy, cxy) describe the same ellipse as cxx·dx² + cyy·dy² + cxy·dx·dy = 1 at semi-axes (a, b).
/// </summary>
public readonly record struct Moments(double X, double Y, double X2, double Y2, double XY, double A, double B, double Theta,
    double Cxx, double Cyy, double Cxy, double Flux, int Area)
{
    /// <summary>Source Extractor's guard for unresolved objects: moments of a single pixel are 1/12.</summary>
    private const double SinglePixelVariance = 1.0 / 12.0;
    private const double DegenerateDeterminant = 0.00694;

    /// <summary>Moments of the pixels (indices into a row-major image of the given width) weighted by the image values.</summary>
    public static Moments Measure(ReadOnlySpan<int> pixels, ReadOnlySpan<float> image, int width)
    {
        double sum = 0, sx = 0, sy = 0;
        foreach (int p in pixels)
        {
            double v = Math.Max(image[p], 0f);
            sum += v; sx += v * (p % width); sy += v * (p / width);
        }
        if (sum <= 0) // no positive flux: geometric moments
        {
            sum = 0; sx = 0; sy = 0;
            foreach (int p in pixels) { sum += 1; sx += p % width; sy += p / width; }
        }
        double x = sx / sum, y = sy / sum;
        double flux = 0, x2 = 0, y2 = 0, xy = 0, weight = 0;
        foreach (int p in pixels)
        {
            double raw = image[p];
            flux += raw;
            double v = sum > 0 && pixels.Length > 0 ? Math.Max(raw, 0) : 1;
            double dx = p % width - x, dy = p / width - y;
            x2 += v * dx * dx; y2 += v * dy * dy; xy += v * dx * dy; weight += v;
        }
        if (weight <= 0) { weight = 1; }
        x2 /= weight; y2 /= weight; xy /= weight;
        if (x2 * y2 - xy * xy < DegenerateDeterminant) { x2 += SinglePixelVariance; y2 += SinglePixelVariance; }
        return FromSecondMoments(x, y, x2, y2, xy, flux, pixels.Length);
    }

    public static Moments FromSecondMoments(double x, double y, double x2, double y2, double xy, double flux, int area)
    {
        double half = (x2 + y2) / 2, diff = (x2 - y2) / 2;
        double root = Math.Sqrt(diff * diff + xy * xy);
        double a = Math.Sqrt(Math.Max(half + root, 1e-12)), b = Math.Sqrt(Math.Max(half - root, 1e-12));
        double theta = 0.5 * Math.Atan2(2 * xy, x2 - y2);
        var (cxx, cyy, cxy) = EllipseCoefficients(a, b, theta);
        return new Moments(x, y, x2, y2, xy, a, b, theta, cxx, cyy, cxy, flux, area);
    }

    /// <summary>sep's ellipse_coeffs: (a, b, θ) → (cxx, cyy, cxy).</summary>
    public static (double Cxx, double Cyy, double Cxy) EllipseCoefficients(double a, double b, double theta)
    {
        double c = Math.Cos(theta), s = Math.Sin(theta);
        double ia2 = 1 / (a * a), ib2 = 1 / (b * b);
        return (c * c * ia2 + s * s * ib2, s * s * ia2 + c * c * ib2, 2 * c * s * (ia2 - ib2));
    }
}
