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
    /// <summary>analyse.c: the same guard with sep's literal 0.0833333.</summary>
    private const double SinglePixelVarianceSep = 0.0833333;
    /// <summary>analyse.c: second moments whose determinant is below this are treated as fully correlated.</summary>
    private const double DegenerateDeterminant = 0.00694;

    /// <summary>
    /// Moments of the pixels (indices into a row-major image of the given width) weighted by the image values clipped
    /// at 0; when no pixel is positive, by 1 each (geometric moments).
    /// </summary>
    public static Moments Measure(ReadOnlySpan<int> pixels, ReadOnlySpan<float> image, int width)
    {
        double sum = 0, sx = 0, sy = 0;
        foreach (int p in pixels)
        {
            double v = Math.Max(image[p], 0f);
            sum += v; sx += v * (p % width); sy += v * (p / width);
        }
        bool geometric = !(sum > 0);
        if (geometric)
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
            double v = geometric ? 1 : Math.Max(raw, 0);
            double dx = p % width - x, dy = p / width - y;
            x2 += v * dx * dx; y2 += v * dy * dy; xy += v * dx * dy; weight += v;
        }
        if (weight <= 0) { weight = 1; }
        x2 /= weight; y2 /= weight; xy /= weight;
        if (x2 * y2 - xy * xy < DegenerateDeterminant) { x2 += SinglePixelVariance; y2 += SinglePixelVariance; }
        return FromSecondMoments(x, y, x2, y2, xy, flux, pixels.Length);
    }

    /// <summary>
    /// sep's analyse (analyse.c): centroid and second moments weighted by the filtered (convolved) values
    /// <paramref name="filtered"/>, flux = Σ of the unfiltered <paramref name="image"/>; with
    /// <paramref name="centre"/> given (a deblended object, sep's robust pass for SEP_OBJ_MERGED) the second moments
    /// are taken about that centre. Also returns sep's fdflux, fdpeak, dpeak and the abcor term of gatherup.
    /// </summary>
    public static (Moments Shape, double FdFlux, float FdPeak, float DPeak, double AbCor) Analyse(ReadOnlySpan<int> pixels,
        ReadOnlySpan<float> image, ReadOnlySpan<float> filtered, int width, double threshold, (double X, double Y)? centre = null)
    {
        double rv = 0, tv = 0;
        float peak = float.MinValue, cpeak = float.MinValue;
        int xmin = int.MaxValue, ymin = int.MaxValue;
        foreach (int p in pixels)
        {
            float val = image[p], cval = filtered[p];
            if (peak < val) peak = val;
            if (cpeak < cval) cpeak = cval;
            rv += cval;
            xmin = Math.Min(xmin, p % width); ymin = Math.Min(ymin, p / width);
        }
        rv = (float)rv; // sep keeps fdflux as a float
        double mx = 0, my = 0, mx2 = 0, my2 = 0, mxy = 0, thresh2 = (threshold + peak) / 2.0;
        int dnpix = 0, area2 = 0;
        foreach (int p in pixels)
        {
            int x = p % width - xmin, y = p / width - ymin;
            double cval = filtered[p], val = image[p];
            tv += val;
            if (val > threshold) dnpix++;
            if (val > thresh2) area2++;
            mx += cval * x; my += cval * y; mx2 += cval * x * x; my2 += cval * y * y; mxy += cval * x * y;
        }
        double xm = mx / rv, ym = my / rv, xm2, ym2, xym;
        if (centre is { } c)
        {
            double xn = c.X - xmin, yn = c.Y - ymin;
            xm2 = mx2 / rv + xn * xn - 2 * xm * xn;
            ym2 = my2 / rv + yn * yn - 2 * ym * yn;
            xym = mxy / rv + xn * yn - xm * yn - xn * ym;
            xm = xn; ym = yn;
        }
        else
        {
            xm2 = mx2 / rv - xm * xm; ym2 = my2 / rv - ym * ym; xym = mxy / rv - xm * ym;
        }
        double temp2 = xm2 * ym2 - xym * xym;
        if (temp2 < DegenerateDeterminant)
        {
            xm2 += SinglePixelVarianceSep; ym2 += SinglePixelVarianceSep;
            temp2 = xm2 * ym2 - xym * xym;
        }
        double temp = xm2 - ym2;
        double theta = Math.Abs(temp) > 0 ? Math.Atan2(2.0 * xym, temp) / 2.0 : Math.PI / 4.0;
        temp = Math.Sqrt(0.25 * temp * temp + xym * xym);
        double pmx2 = 0.5 * (xm2 + ym2) + temp, pmy2 = 0.5 * (xm2 + ym2) - temp;
        double a = (float)Math.Sqrt(pmx2), b = (float)Math.Sqrt(pmy2);
        var shape = new Moments(xm + xmin, ym + ymin, xm2, ym2, xym, a, b, theta,
            (float)(ym2 / temp2), (float)(xm2 / temp2), (float)(-2 * xym / temp2), tv, pixels.Length);
        double darea = (double)area2 - dnpix, t1t2 = threshold / thresh2, abcor = 1.0;
        if (t1t2 > 0.0)
            abcor = Math.Min(1.0, (darea < 0.0 ? darea : -1.0) / (2 * Math.PI * Math.Log(t1t2 < 1.0 ? t1t2 : 0.99) * a * b));
        return (shape, rv, cpeak, peak, abcor);
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
