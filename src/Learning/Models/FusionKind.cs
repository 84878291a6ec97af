namespace MantisShrimp.Engine.Models;

/// <summary>How the bands reach the network (paper §4.1–4.2).</summary>
public enum FusionKind
{
    /// <summary>All 9 bands resampled to 120×120 and stacked: one tensor [B, 9, 120, 120].</summary>
    Early,
    /// <summary>One tensor per survey at native resolution after cropping: GALEX [B,2,22,22], PS1 [B,5,120,120], unWISE
    /// [B,2,22,22].</summary>
    Late,
}
