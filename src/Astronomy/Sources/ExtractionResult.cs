namespace MantisShrimp.Engine.Sources;

public sealed record ExtractionResult(Background Background, IReadOnlyList<DetectedObject> Objects, float Threshold, float[] Subtracted);
