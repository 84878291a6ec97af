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

/// <summary>The three imaging surveys whose cutouts feed the network.</summary>
public enum Survey
{
    Galex = 0,
    PanStarrs = 1,
    Unwise = 2,
}

/// <summary>Photometric system a band's native zero point is expressed in.</summary>
public enum MagnitudeSystem
{
    AB,
    Vega,
}
