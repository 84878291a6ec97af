namespace MantisShrimp.Engine.Sources;

/// <summary>One detected object: isophotal moments (on the background-subtracted image), Kron radius and flux.</summary>
/// <param name="KronArea">Pixels (sub-pixel weighted, as sep) of the Kron ellipse that hold valid data.</param>
public sealed record DetectedObject(Moments Shape, float Peak, float Threshold, double KronRadius, double KronFlux, double KronArea,
    int[] Pixels)
{
    /// <summary>The isophotal ellipse (a, b, θ) at the centroid.</summary>
    public Ellipse Ellipse => new(Shape.X, Shape.Y, Shape.A, Shape.B, Shape.Theta);

    /// <summary>The Kron aperture: the isophotal ellipse scaled by 2.5 × the Kron radius.</summary>
    public Ellipse KronEllipse => Ellipse.Scaled(Aperture.KronFactor * KronRadius);
}
