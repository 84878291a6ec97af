namespace MantisShrimp.Engine.Shapley;

/// <summary>How Shapley values are computed (<c>--mode</c>, and the journal's settings line, spell them so).</summary>
public enum ShapleyMode
{
    /// <summary>All 512 band subsets.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("exact")] Exact,
    /// <summary>Antithetic permutation sampling.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("sampled")] Sampled,
}
