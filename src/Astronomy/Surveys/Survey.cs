namespace MantisShrimp.Engine.Surveys;

/// <summary>The three imaging surveys whose cutouts feed the network.</summary>
public enum Survey
{
    Galex = 0,
    PanStarrs = 1,
    Unwise = 2,
}
