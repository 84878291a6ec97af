using System.Text.Json.Serialization;

namespace MantisShrimp.Engine.Models;

/// <summary>The band sets of the paper's Table 4 ablations (state.json <c>Bands</c> and <c>--bands</c> spell them so).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BandSet>))]
public enum BandSet
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("optical")] Optical,
    [JsonStringEnumMemberName("optical+uv")] OpticalUv,
    [JsonStringEnumMemberName("optical+ir")] OpticalIr,
}
