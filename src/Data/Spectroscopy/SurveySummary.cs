namespace MantisShrimp.Engine.Spectroscopy;

/// <summary>Counts of one survey in the compilation (the paper's Table 1).</summary>
public sealed class SurveySummary(string survey)
{
    public string Survey { get; } = survey;
    public long Available { get; set; }
    public long Accepted { get; set; }
    public long Duplicates { get; set; }
    public SortedDictionary<string, long> Rejected { get; } = new(StringComparer.Ordinal);

    public void Reject(string reason) => Rejected[reason] = Rejected.GetValueOrDefault(reason) + 1;
}
