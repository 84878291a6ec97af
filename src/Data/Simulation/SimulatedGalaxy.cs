namespace MantisShrimp.Engine.Simulation;

/// <summary>One simulated source: its truth, its catalog values and its 9 native-resolution band images.</summary>
public sealed class SimulatedGalaxy
{
    public required int Index { get; init; }
    public required string Id { get; init; }
    public required double Ra { get; init; }
    public required double Dec { get; init; }
    public required double EbvCsfd { get; init; }
    public required double EbvPlanck { get; init; }
    public required GalaxyProperties Properties { get; init; }
    /// <summary>True observed (MW-reddened, noise-free) AB magnitudes per band; +∞ for no flux.</summary>
    public required double[] Magnitudes { get; init; }
    public required double[] Ps1ExposureSeconds { get; init; }
    public required bool GalexCoverage { get; init; }
    public required int Neighbours { get; init; }
    public required bool Blend { get; init; }
    /// <summary>Largest fraction of NaN pixels over the PS1 bands.</summary>
    public required double Ps1MaxNanFraction { get; init; }
    /// <summary>Band planes (channel order), native size, row-major [y, x], in each service's units.</summary>
    public float[][]? Planes { get; init; }
}
