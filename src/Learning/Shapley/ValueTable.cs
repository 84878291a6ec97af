namespace MantisShrimp.Engine.Shapley;

/// <summary>
/// The value table of one galaxy: V(S) = E[z] for every band subset S (bit j = band j). Subsets that differ only in
/// bands outside <see cref="ActiveMask"/> — bands the network does not see, or whose input equals the masked image's —
/// share one evaluation; entries never asked for are NaN.
/// </summary>
public sealed record ValueTable(double[] Values, int ActiveMask, int Evaluations);
