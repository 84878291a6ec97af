namespace MantisShrimp.Engine.Sources;

/// <summary>
/// Aperture photometry as sep's sum_ellipse / sum_circle / kron_radius. Pixel (i, j) covers [i − ½, i + ½]; a pixel
/// cut by the aperture's edge is sampled on a <see cref="Subpixels"/>² grid (sep's default subpix = 5).
/// Invalid (NaN) pixels are skipped and reported.
/// </summary>
public static class Aperture
{
    public const int Subpixels = 5;
    /// <summary>Paper §2.3 (sep.kron_radius with r = 6): the Kron first moment is measured within 6 × the isophotal ellipse.</summary>
    public const double KronWindow = 6.0;
    /// <summary>Kron flux is summed within 2.5 × the Kron radius (Source Extractor's PHOT_AUTOPARAMS k = 2.5).</summary>
    public const double KronFactor = 2.5;

    /// <summary>Sum of pixel values within the ellipse; area in pixels; count of invalid pixels inside it.</summary>
    public static (double Sum, double Area, int Invalid) SumEllipse(ReadOnlySpan<float> image, int width, int height, Ellipse e,
        int subpix = Subpixels)
    {
        var (cxx, cyy, cxy) = Moments.EllipseCoefficients(e.A, e.B, e.Theta);
        double extent = Math.Max(e.A, e.B) + 1;
        int x0 = Math.Max(0, (int)Math.Floor(e.X - extent)), x1 = Math.Min(width - 1, (int)Math.Ceiling(e.X + extent));
        int y0 = Math.Max(0, (int)Math.Floor(e.Y - extent)), y1 = Math.Min(height - 1, (int)Math.Ceiling(e.Y + extent));
        // A pixel is wholly inside (outside) when its centre's elliptical radius is below (above) the edge by more than half a pixel's
        // diagonal.
        double rIn = Math.Max(0, 1 - 0.7072 / Math.Min(e.A, e.B)), rOut = 1 + 0.7072 / Math.Min(e.A, e.B);
        double sum = 0, area = 0;
        int invalid = 0;
        double step = 1.0 / subpix, offset = -0.5 + step / 2;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                double dx = x - e.X, dy = y - e.Y;
                double r2 = cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
                if (r2 > rOut * rOut) continue;
                double fraction;
                if (r2 < rIn * rIn) fraction = 1;
                else
                {
                    int inside = 0;
                    for (int sy = 0; sy < subpix; sy++)
                        for (int sx = 0; sx < subpix; sx++)
                        {
                            double ddx = dx + offset + sx * step, ddy = dy + offset + sy * step;
                            if (cxx * ddx * ddx + cyy * ddy * ddy + cxy * ddx * ddy <= 1) inside++;
                        }
                    fraction = (double)inside / (subpix * subpix);
                }
                if (fraction == 0) continue;
                float v = image[y * width + x];
                if (!float.IsFinite(v)) { invalid++; continue; }
                sum += fraction * v;
                area += fraction;
            }
        return (sum, area, invalid);
    }

    /// <summary>
    /// sep.kron_radius: Σ r·I / Σ I over the pixels whose elliptical radius r (in units of the ellipse (a, b, θ))
    /// is within <paramref name="window"/>; the result is in those units. 0 when the sums are not positive.
    /// </summary>
    public static double KronRadius(ReadOnlySpan<float> image, int width, int height, Ellipse e, double window = KronWindow)
    {
        var (cxx, cyy, cxy) = Moments.EllipseCoefficients(e.A, e.B, e.Theta);
        double extent = window * Math.Max(e.A, e.B) + 1;
        int x0 = Math.Max(0, (int)Math.Floor(e.X - extent)), x1 = Math.Min(width - 1, (int)Math.Ceiling(e.X + extent));
        int y0 = Math.Max(0, (int)Math.Floor(e.Y - extent)), y1 = Math.Min(height - 1, (int)Math.Ceiling(e.Y + extent));
        double r1 = 0, v1 = 0;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                double dx = x - e.X, dy = y - e.Y;
                double r2 = cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
                if (r2 > window * window) continue;
                float v = image[y * width + x];
                if (!float.IsFinite(v)) continue;
                r1 += Math.Sqrt(r2) * v;
                v1 += v;
            }
        return r1 > 0 && v1 > 0 ? r1 / v1 : 0;
    }
}
