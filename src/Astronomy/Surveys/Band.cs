namespace MantisShrimp.Engine.Surveys;

/// <summary>The 9 bands in the model's channel order (paper §3.2): GALEX, Pan-STARRS1, unWISE.</summary>
public enum Band
{
    FUV = 0,
    NUV = 1,
    g = 2,
    r = 3,
    i = 4,
    z = 5,
    y = 6,
    W1 = 7,
    W2 = 8,
}
