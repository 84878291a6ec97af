using System.Globalization;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Simulation;

/// <summary>Mixture weights of the populations (normalised on use).</summary>
public sealed record PopulationMix(double Bgs = 0.35, double Lrg = 0.25, double Elg = 0.25, double General = 0.15)
{
    public static PopulationMix Default { get; } = new();

    /// <summary>Parses "bgs=0.4,lrg=0.2,elg=0.3,general=0.1" (missing names keep their defaults).</summary>
    public static PopulationMix Parse(string text)
    {
        var mix = Default;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=');
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double w) || w < 0)
                throw new UserInputException($"--mix: '{part}' is not name=weight with a non-negative weight");
            mix = kv[0].ToLowerInvariant() switch
            {
                "bgs" => mix with { Bgs = w },
                "lrg" => mix with { Lrg = w },
                "elg" => mix with { Elg = w },
                "general" => mix with { General = w },
                _ => throw new UserInputException($"--mix: unknown population '{kv[0]}' (bgs, lrg, elg, general)"),
            };
        }
        if (mix.Bgs + mix.Lrg + mix.Elg + mix.General <= 0) throw new UserInputException("--mix: weights sum to zero");
        return mix;
    }

    public Population Draw(ref SplitMix64 rng)
    {
        double total = Bgs + Lrg + Elg + General, u = rng.NextDouble() * total;
        if ((u -= Bgs) < 0) return Population.Bgs;
        if ((u -= Lrg) < 0) return Population.Lrg;
        if ((u -= Elg) < 0) return Population.Elg;
        return Population.General;
    }
}
