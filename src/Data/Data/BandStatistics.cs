namespace MantisShrimp.Engine.Data;

/// <summary>Statistics of one stored band: over finite pixels only; Min/Max null when there are none.</summary>
public sealed record BandStatistics(int Height, int Width, double Sum, int NaN, float? Min, float? Max);
