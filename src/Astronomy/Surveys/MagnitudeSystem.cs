namespace MantisShrimp.Engine.Surveys;

/// <summary>Photometric system a band's native zero point is expressed in.</summary>
public enum MagnitudeSystem
{
    AB,
    Vega,
}
