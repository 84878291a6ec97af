using System.Text.Json.Serialization;

namespace MantisShrimp.Engine.Models;

/// <summary>Which network a checkpoint holds (state.json <c>Arch</c>; the spellings are the files' and <c>--arch</c>'s).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NetworkArch>))]
public enum NetworkArch
{
    [JsonStringEnumMemberName("early")] Early,
    [JsonStringEnumMemberName("late")] Late,
    /// <summary>The reference's published ConvModel (imported weights).</summary>
    [JsonStringEnumMemberName(PublishedConvModel.ArchName)] ConvModel,
}
