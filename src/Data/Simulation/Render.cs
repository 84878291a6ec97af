using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// Photometry of a galaxy's two components and image rendering: every component is a Gaussian mixture
/// convolved analytically with a Gaussian PSF and a pixel (box ≈ Gaussian of variance 1/12 px²) and evaluated at
/// pixel centres with an exp-free recurrence along rows.
/// </summary>
public static class Render
{
    /// <summary>Observed AB magnitudes of the whole galaxy, its bulge and its disk (MW-reddened).</summary>
    public static (double[] Total, double[] Bulge, double[] Disk) ObservedMagnitudes(GalaxyProperties g, double ebvMilkyWay,
        Cosmology cosmology)
    {
        var s = g.Spectrum;
        var bulgeGrid = new double[SedGrid.Points];
        var diskGrid = new double[SedGrid.Points];
        s.FillBulge(bulgeGrid);
        s.FillDisk(diskGrid);
        double mb = Photometry.RestFrameR(bulgeGrid), md = Photometry.RestFrameR(diskGrid);
        double total = Math.Pow(10, -0.4 * g.AbsMagR);
        double sb = g.BulgeFraction * total / Math.Pow(10, -0.4 * mb);
        double sd = (1 - g.BulgeFraction) * total / Math.Pow(10, -0.4 * md);
        var obs = new Photometry.Observation(g.Z, ebvMilkyWay, cosmology);
        var none = Enumerable.Repeat(double.PositiveInfinity, BandTable.BandCount).ToArray();
        var bulge = g.BulgeFraction > 0 ? Photometry.Observed(bulgeGrid, sb, [], obs) : none;
        var disk = g.BulgeFraction < 1 ? Photometry.Observed(diskGrid, sd, s.DiskLines(diskGrid).ToArray(), obs) : none;
        var sum = new double[BandTable.BandCount];
        for (int b = 0; b < sum.Length; b++) sum[b] = Photometry.Combine(bulge[b], disk[b]);
        return (sum, bulge, disk);
    }

    /// <summary>PSF σ in pixels of a band.</summary>
    public static double PsfSigmaPixels(BandInfo band) => band.PsfFwhmArcsec / 2.3548 / band.SurveyInfo.PixelScaleArcsec;

    /// <summary>Adds a component to a band's plane (native units: the flux for a magnitude uses the band's zero point).</summary>
    public static void Add(Span<float> plane, BandInfo band, double zeroPoint, in SourceComponent c)
    {
        double mag = c.Magnitudes[band.Channel];
        if (!double.IsFinite(mag)) return;
        double flux = Math.Pow(10, -0.4 * (mag - zeroPoint));
        if (!(flux > 0)) return;
        int n = band.NativeSize;
        double scale = band.SurveyInfo.PixelScaleArcsec;
        double centre = (n - 1) / 2.0;
        double cx = centre - c.DxArcsec / scale; // +x on the sky (west) is −RA; our images have east left: x grows westward
        double cy = centre + c.DyArcsec / scale;
        double psf = PsfSigmaPixels(band);
        double baseVar = psf * psf + 1.0 / 12;
        if (c.Profile is null)
        {
            AddGaussian(plane, n, cx, cy, flux, baseVar, 0, baseVar);
            return;
        }
        double pa = c.PositionAngleDeg * Math.PI / 180;
        // Major axis on the image: north = +y, east = −x.
        double ux = -Math.Sin(pa), uy = Math.Cos(pa);
        double re = c.ReArcsec / scale;
        for (int j = 0; j < c.Profile.Sigma.Length; j++)
        {
            double s2 = Math.Pow(c.Profile.Sigma[j] * re, 2);
            double major = s2, minor = s2 * c.AxisRatio * c.AxisRatio;
            double sxx = major * ux * ux + minor * uy * uy + baseVar;
            double syy = major * uy * uy + minor * ux * ux + baseVar;
            double sxy = (major - minor) * ux * uy;
            AddGaussian(plane, n, cx, cy, flux * c.Profile.Amplitude[j], sxx, sxy, syy);
        }
    }

    /// <summary>Adds flux·N(μ, Σ) evaluated at pixel centres within ±6σ.</summary>
    public static void AddGaussian(Span<float> plane, int n, double cx, double cy, double flux, double sxx, double sxy, double syy)
    {
        double det = sxx * syy - sxy * sxy;
        if (!(det > 0)) return;
        double a = syy / det, b = -sxy / det, cc = sxx / det; // inverse covariance
        double k = flux / (2 * Math.PI * Math.Sqrt(det));
        double halfX = 6 * Math.Sqrt(sxx), halfY = 6 * Math.Sqrt(syy);
        int x0 = Math.Max(0, (int)Math.Floor(cx - halfX)), x1 = Math.Min(n - 1, (int)Math.Ceiling(cx + halfX));
        int y0 = Math.Max(0, (int)Math.Floor(cy - halfY)), y1 = Math.Min(n - 1, (int)Math.Ceiling(cy + halfY));
        if (x0 > x1 || y0 > y1) return;
        double step = Math.Exp(-a);
        for (int y = y0; y <= y1; y++)
        {
            double dy = y - cy, dx = x0 - cx;
            double e = k * Math.Exp(-0.5 * (a * dx * dx + 2 * b * dx * dy + cc * dy * dy));
            double r = Math.Exp(-0.5 * (a * (2 * dx + 1) + 2 * b * dy));
            var row = plane.Slice(y * n, n);
            for (int x = x0; x <= x1; x++)
            {
                row[x] += (float)e;
                e *= r;
                r *= step;
            }
        }
    }
}
