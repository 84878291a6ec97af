namespace MantisShrimp.Engine.Simulation;

/// <summary>The mock spectroscopic samples, shaped like the paper's compilation (§3.1).</summary>
public enum Population
{
    /// <summary>Bright flux-limited low-z sample (r &lt; 17.77, peak z ≈ 0.1): SDSS MGS / DESI BGS.</summary>
    Bgs,
    /// <summary>Luminous red galaxies, z ≈ 0.3–0.9: BOSS / eBOSS / DESI LRG.</summary>
    Lrg,
    /// <summary>Emission-line galaxies, z ≈ 0.6–1.6: DESI ELG / DEEP2 / VIPERS.</summary>
    Elg,
    /// <summary>A fainter general population over the whole range.</summary>
    General,
}
