namespace MantisShrimp.Engine.Data;

/// <summary>Per-sample quality flags stored with each shard record.</summary>
[Flags]
public enum SampleFlags : uint
{
    None = 0,
    /// <summary>The GALEX cutout is all zeros: no coverage (≈10% of the sky area used).</summary>
    GalexNoCoverage = 1 << 0,
    /// <summary>The unWISE cutout is all zeros.</summary>
    UnwiseNoCoverage = 1 << 1,
    /// <summary>At least one PS1 band has NaN (masked) pixels, at most 1% of any band.</summary>
    PanStarrsHasNaN = 1 << 2,
    /// <summary>At least one cutout was larger than native and was centre-cropped.</summary>
    Cropped = 1 << 3,
    /// <summary>±Inf pixels were found and stored as NaN.</summary>
    InfinityAsNaN = 1 << 4,
    /// <summary>A PS1 band has more than 1% NaN pixels and was kept anyway (forced photo-z <c>--allow-nan</c>; never in shards).</summary>
    PanStarrsNanOverLimit = 1 << 5,
}
