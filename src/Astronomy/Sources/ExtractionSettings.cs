namespace MantisShrimp.Engine.Sources;

/// <summary>Settings of an extraction, defaulting to sep's (and the paper's) values.</summary>
public sealed record ExtractionSettings
{
    public int MeshSize { get; init; } = Background.MeshSize;
    public int FilterSize { get; init; } = Background.FilterSize;
    public double ThresholdSigma { get; init; } = Detection.ThresholdSigma;
    public int MinArea { get; init; } = Detection.MinArea;
    public int DeblendLevels { get; init; } = Deblend.Levels;
    public double DeblendContrast { get; init; } = Deblend.Contrast;
    public bool Clean { get; init; } = true;

    public static readonly ExtractionSettings Default = new();
}
