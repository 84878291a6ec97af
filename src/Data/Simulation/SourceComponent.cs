namespace MantisShrimp.Engine.Simulation;

/// <summary>A surface-brightness component to draw: a Gaussian mixture at an offset, with its flux per band.</summary>
/// <param name="DxArcsec">Offset from the cutout centre along x, arcsec (+x = west, as the images' WCS).</param>
/// <param name="DyArcsec">Offset from the cutout centre along y, arcsec (+y = north).</param>
/// <param name="Magnitudes">AB magnitude per band (channel order); +∞ where invisible.</param>
public readonly record struct SourceComponent(
    double DxArcsec, double DyArcsec,
    SersicMixture? Profile, double ReArcsec, double AxisRatio, double PositionAngleDeg,
    double[] Magnitudes);
