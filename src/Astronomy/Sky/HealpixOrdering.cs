namespace MantisShrimp.Engine.Sky;

/// <summary>HEALPix pixel ordering schemes.</summary>
public enum HealpixOrdering
{
    Ring,
    Nested,
}
