namespace MantisShrimp.Engine.Sources;

/// <summary>How the target's flux in one band was measured.</summary>
public enum TargetMethod : byte
{
    /// <summary>A detection within <see cref="TargetPhotometry.MatchRadiusPx"/> of the centre: Kron flux.</summary>
    Kron = 0,
    /// <summary>No such detection: the survey's static circular aperture at the centre.</summary>
    StaticAperture = 1,
}
