using System.Text.Json;
using System.Text.Json.Serialization;

namespace MantisShrimp.Engine.Data;

/// <summary>The dataset split names (paper: 70/10/20 within each of 16 chunks).</summary>
public static class Splits
{
    public const string Train = "train", Val = "val", Test = "test";
    public static readonly string[] All = [Train, Val, Test];
}

/// <summary><c>SHARDS/manifest.json</c>: what a shard set holds and how its records are laid out.</summary>
public sealed record ShardManifest
{
    public string Format { get; init; } = "mantis-shards";
    public int Version { get; init; } = ShardLayout.FormatVersion;
    public ulong Seed { get; init; }
    public int Chunks { get; init; }
    public required SplitFractions SplitFractions { get; init; }
    public required CatalogInfo Catalog { get; init; }
    public required SplitCounts Counts { get; init; }
    public required RecordLayout RecordLayout { get; init; }
    public required string[] ExtraColumns { get; init; }
    public required ShardInfo[] Shards { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static ShardManifest Load(string dir)
    {
        string path = Path.Combine(dir, "manifest.json");
        if (!File.Exists(path))
            throw new Common.UserInputException($"{dir}: not a shard set (no manifest.json; was ingest completed?)");
        try
        {
            return JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Json)
                   ?? throw new Common.UserInputException($"{path}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new Common.UserInputException($"{path}: invalid manifest: {e.Message}", e);
        }
    }
}

public sealed record SplitFractions(double Train, double Val, double Test);

public sealed record CatalogInfo(string File, int Rows, string Sha256);

public sealed record SplitCounts(long Train, long Val, long Test, long Rejected, long CatalogRows);

public sealed record RecordLayout(
    string ByteOrder, string PixelType, int FileHeaderBytes, int RecordHeaderBytes, int RecordStrideBytes,
    int PixelOffsetBytes, int PixelsPerRecord, FieldInfo[] HeaderFields, BandLayout[] Bands);

public sealed record FieldInfo(string Name, int Offset, string Type);

public sealed record BandLayout(string Band, string Survey, int Channel, int OffsetPixels, int Height, int Width, double PixelScaleArcsec,
    string PixelUnit);

public sealed record ShardInfo(string File, string Meta, int Chunk, string Split, long Records, string Sha256, string MetaSha256);
