namespace MantisShrimp.Engine.Simulation;

/// <summary>Intrinsic (noise-free) properties of one simulated galaxy.</summary>
public sealed record GalaxyProperties
{
    public required Population Population { get; init; }
    /// <summary>"red", "intermediate" or "starforming".</summary>
    public required string SedType { get; init; }
    public required double Z { get; init; }
    /// <summary>Rest-frame r-band absolute AB magnitude.</summary>
    public required double AbsMagR { get; init; }
    public required GalaxySpectrum Spectrum { get; init; }
    /// <summary>Bulge share of the rest-frame r-band light.</summary>
    public required double BulgeFraction { get; init; }
    /// <summary>Half-light radii (arcsec) of disk (Sérsic n = 1) and bulge (n = 4).</summary>
    public required double DiskReArcsec { get; init; }
    public required double BulgeReArcsec { get; init; }
    public required double DiskAxisRatio { get; init; }
    public required double BulgeAxisRatio { get; init; }
    /// <summary>Position angle, degrees east of north.</summary>
    public required double PositionAngleDeg { get; init; }
}
