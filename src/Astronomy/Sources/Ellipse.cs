namespace MantisShrimp.Engine.Sources;

/// <summary>An elliptical aperture in pixel coordinates: semi-axes a·r and b·r at position angle θ (radians, from +x toward +y).</summary>
public readonly record struct Ellipse(double X, double Y, double A, double B, double Theta)
{
    public static Ellipse Circle(double x, double y, double radius) => new(x, y, radius, radius, 0);

    public Ellipse Scaled(double r) => this with { A = A * r, B = B * r };

    /// <summary>cxx·dx² + cyy·dy² + cxy·dx·dy: 1 on the ellipse's edge.</summary>
    public double Radius2(double px, double py)
    {
        var (cxx, cyy, cxy) = Moments.EllipseCoefficients(A, B, Theta);
        double dx = px - X, dy = py - Y;
        return cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
    }
}
