namespace MantisShrimp.Engine.Diagnostics;

/// <summary>A stage's totals: seconds, items and whether it ran beside the job's own thread.</summary>
public sealed record StageTotal(string Name, double Seconds, long Items, bool Background, long Order)
{
    public double ItemsPerSecond => Seconds > 0 && Items > 0 ? Items / Seconds : double.NaN;
}
