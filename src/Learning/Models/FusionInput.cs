namespace MantisShrimp.Engine.Models;

/// <summary>The network's input geometry that does not depend on the survey.</summary>
public static class FusionInput
{
    /// <summary>Side of the early-fusion input (the PS1 crop).</summary>
    public const int EarlySize = 120;
}
