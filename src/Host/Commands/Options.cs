using System.CommandLine;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Models;

namespace MantisShrimp.Host.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class SharedOptions
{
    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "libtorch device: auto (cuda when available), cpu or cuda.",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong(TorchDevice.Choices);

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "No progress output." };

    public static Option<ulong> Seed(ulong fallback = 0) => new("--seed")
    {
        Description = "Seed for every random step (results reproduce for the same seed).",
        DefaultValueFactory = _ => fallback,
    };

    /// <summary>A comma-separated list of seeds ("42,1,2"); a bad entry is a parse error naming it.</summary>
    public static ulong[] ParseSeedList(System.CommandLine.Parsing.ArgumentResult result)
    {
        var seeds = new List<ulong>();
        foreach (var token in result.Tokens)
            foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (ulong.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s))
                    seeds.Add(s);
                else
                    result.AddError($"{result.Argument.Name}: '{part}' is not a seed (a non-negative integer)");
            }
        if (seeds.Distinct().Count() != seeds.Count) result.AddError("--seeds: a seed is listed twice");
        return [.. seeds];
    }
}

/// <summary>The options that describe a network (train, import-weights): one declaration, one NetworkConfig.</summary>
internal sealed class NetworkOptions
{
    public readonly Option<string> Arch = new Option<string>("--arch") { Description = "early or late fusion.", DefaultValueFactory = _ => "early" }.AcceptOnlyFromAmong("early", "late");
    public readonly Option<string> Backbone = new("--backbone") { Description = $"ConvNeXt size: {string.Join(", ", ConvNeXtSpec.All.Select(s => s.Name))}.", DefaultValueFactory = _ => "convnext-atto" };
    public readonly Option<string?> Small = new("--small-backbone") { Description = "Late fusion: GALEX/unWISE encoder size (default: --backbone)." };
    public readonly Option<string> Bands = new Option<string>("--bands") { Description = "all, optical, optical+uv or optical+ir.", DefaultValueFactory = _ => "all" }.AcceptOnlyFromAmong(BandSets.Names);
    public readonly Option<int> HeadWidth = new("--head-width") { Description = "Width of the head's hidden layer (paper: 2048).", DefaultValueFactory = _ => 2048 };
    public readonly Option<double> DropPath = new("--drop-path") { Description = "Stochastic depth rate (timm's drop_path_rate).", DefaultValueFactory = _ => 0.1 };

    public IEnumerable<Option> All => [Arch, Backbone, Small, Bands, HeadWidth, DropPath];

    public NetworkConfig Config(ParseResult r) => new()
    {
        Arch = r.GetValue(Arch)!, Backbone = ConvNeXtSpec.Parse(r.GetValue(Backbone)!).Name, SmallBackbone = r.GetValue(Small),
        Bands = r.GetValue(Bands)!, HeadWidth = r.GetValue(HeadWidth), DropPath = Math.Clamp(r.GetValue(DropPath), 0, 0.9),
    };
}

