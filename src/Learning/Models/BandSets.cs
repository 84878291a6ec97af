using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Models;

/// <summary>The surveys and channels of each <see cref="BandSet"/>.</summary>
public static class BandSets
{
    public static readonly string[] Names = EnumSpelling<BandSet>.Names;

    public static Survey[] Surveys(BandSet bands) => bands switch
    {
        BandSet.All => [Survey.Galex, Survey.PanStarrs, Survey.Unwise],
        BandSet.Optical => [Survey.PanStarrs],
        BandSet.OpticalUv => [Survey.Galex, Survey.PanStarrs],
        BandSet.OpticalIr => [Survey.PanStarrs, Survey.Unwise],
        _ => throw new UserInputException($"bands must be one of {string.Join(", ", Names)} (got {(int)bands})"),
    };

    /// <summary>Model channels (0..8) of a band set, in channel order.</summary>
    public static long[] Channels(BandSet bands)
    {
        var surveys = Surveys(bands);
        return BandTable.All.Where(b => surveys.Contains(b.Survey)).Select(b => (long)b.Channel).ToArray();
    }
}
