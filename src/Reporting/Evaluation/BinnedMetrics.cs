namespace MantisShrimp.Engine.Evaluation;

/// <summary>Metrics per bin of a numeric column of the scores (magnitude, S/N): the bins that hold galaxies, in edge order.</summary>
public sealed record BinnedMetrics(string Column, IReadOnlyList<MetricBin> Bins);
