using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace MantisShrimp.Host.Web;

/// <summary>A /predict body, checked field by field, with errors in the request's own terms (no type names).</summary>
/// <remarks>The attributes describe the body in the OpenAPI document (the reader takes the keys in any case).</remarks>
internal sealed record PredictInput
{
    [JsonPropertyName("NAME"), Description("a label; never used as a path")]
    public string Name { get; init; } = "";

    [JsonPropertyName("RA"), Description("right ascension, degrees (a number, or a numeric string)")]
    [Range(0.0, 360.0, MaximumIsExclusive = true)]
    public required double Ra { get; init; }

    [JsonPropertyName("DEC"), Description("declination, degrees, inside the PS1 footprint")]
    [Range(Engine.Cutouts.SkyPosition.Ps1MinDec, 90.0)]
    public required double Dec { get; init; }

    [JsonPropertyName("CALIBRATE"), Description("recalibrate the PDF with CalPIT (the server's --calibration)")]
    public bool Calibrate { get; init; }

    public const int MaxNameLength = 200;

    /// <summary>The input, or the reason it is refused.</summary>
    public static (PredictInput? Input, string? Error) Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return (null, "empty body: send the JSON object {\"NAME\": …, \"RA\": …, \"DEC\": …}");
        if (!Utf8.IsValid(body)) return (null, "the body is not valid UTF-8 text");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            return (null, $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): " +
                "send {\"NAME\": …, \"RA\": …, \"DEC\": …}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, $"the body is a JSON {Kind(root)}; it must be an object {{\"NAME\": …, \"RA\": …, \"DEC\": …}}");
            if (!Number(root, "RA", out double ra) || !Number(root, "DEC", out double dec))
                return (null, "RA and DEC must be numbers (degrees)");
            bool calibrate = false;
            if (TryGetAnyCase(root, "CALIBRATE", out var c) && c.ValueKind != JsonValueKind.Null)
            {
                if (c.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return (null, $"CALIBRATE must be true or false, not a {Kind(c)}");
                calibrate = c.GetBoolean();
            }
            string name = "";
            if (TryGetAnyCase(root, "NAME", out var n))
            {
                if (n.ValueKind == JsonValueKind.String)
                {
                    // A lone surrogate (\ud800) is valid JSON but not text: GetString cannot transcode it.
                    try
                    {
                        name = n.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        return (null, "NAME is not valid Unicode text (a lone surrogate escape such as \\ud800)");
                    }
                }
                else if (n.ValueKind is JsonValueKind.Number) name = n.GetRawText();
                else if (n.ValueKind is not JsonValueKind.Null) return (null, $"NAME must be a string, not a {Kind(n)}");
            }
            if (name.Length > MaxNameLength) return (null, $"NAME is longer than {MaxNameLength} characters");
            return (new PredictInput { Name = name, Ra = ra, Dec = dec, Calibrate = calibrate }, null);
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "array", JsonValueKind.Object => "object", JsonValueKind.String => "string",
        JsonValueKind.Number => "number", JsonValueKind.True or JsonValueKind.False => "boolean", _ => "null",
    };

    private static bool Number(JsonElement root, string field, out double value)
    {
        value = double.NaN;
        if (!TryGetAnyCase(root, field, out var v)) return false;
        if (v.ValueKind == JsonValueKind.Number) return v.TryGetDouble(out value) && double.IsFinite(value);
        return v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>NAME/RA/DEC in any case (name, Ra, dec …), as people type them.</summary>
    private static bool TryGetAnyCase(JsonElement root, string field, out JsonElement value)
    {
        foreach (var p in root.EnumerateObject())
            if (string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        value = default;
        return false;
    }
}
