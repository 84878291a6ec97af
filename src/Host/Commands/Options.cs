using System.CommandLine;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Host.Commands;

/// <summary>
/// Options shared by several commands: one factory per option, so its name, help and validation are the same
/// everywhere; a bad value is a parse error naming the option as it was typed.
/// </summary>
internal static class SharedOptions
{
    /// <summary><c>--model</c>: a checkpoint (required unless <paramref name="defaultPath"/> is given).</summary>
    public static Option<string> Model(string description = "Checkpoint.", string? defaultPath = null) =>
        Path("--model", description, defaultPath);

    /// <summary><c>--data</c>: a shard set (ingest output).</summary>
    public static Option<string> Data(string description = "Shard set.", string? defaultPath = null) =>
        Path("--data", description, defaultPath);

    /// <summary><c>--split</c>: train, val or test.</summary>
    public static Option<string> Split(string description, string defaultSplit) => new Option<string>("--split")
    {
        Description = description,
        DefaultValueFactory = _ => defaultSplit,
    }.OneOf(Splits.All);

    /// <summary>The formats a table output is written in, as help lists them (one spelling for every command).</summary>
    public static string TableFormats => $"CSV, Parquet, FITS or ECSV, by extension ({string.Join(", ", TableFile.Extensions)})";

    /// <summary>
    /// <c>--out</c> naming a table (<c>{what}: CSV, Parquet, FITS or ECSV, by extension (…){more}</c>): a name without
    /// one of <see cref="TableFile.Extensions"/> is a parse error.
    /// </summary>
    public static Option<string> TableOut(string what, string more = "")
    {
        var option = new Option<string>("--out") { Description = $"{what}: {TableFormats}{more}.", Required = true };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return;
            string path = r.Tokens[^1].Value;
            if (!TableFile.Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                r.AddError($"{r.IdentifierToken?.Value ?? option.Name} {path}: the file name must end in "
                    + $"{string.Join(", ", TableFile.Extensions[..^1])} or {TableFile.Extensions[^1]}");
        });
        return option;
    }

    /// <summary><c>--out</c> naming a folder or a file that is not a table.</summary>
    public static Option<string> Out(string description, string? defaultPath = null) => Path("--out", description, defaultPath);

    /// <summary>A path option: required unless it has a default; an empty value is a parse error naming it.</summary>
    private static Option<string> Path(string name, string description, string? defaultPath)
    {
        var option = new Option<string>(name) { Description = description, Required = defaultPath is null };
        if (defaultPath is not null) option.DefaultValueFactory = _ => defaultPath;
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[^1].Value))
                r.AddError($"{r.IdentifierToken?.Value ?? name} needs a path (got an empty value)");
        });
        return option;
    }

    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "libtorch device for the network: auto (cuda when available), cpu or cuda; the ILGPU accelerator, where a command " +
            "has one, is --accelerator.",
        DefaultValueFactory = _ => "auto",
    }.OneOf(TorchDevice.Choices);

    /// <summary><c>--precision fp32|bf16</c>: the network backbones' arithmetic at inference (score, predict, shapley).</summary>
    public static Option<string> Precision() => new Option<string>("--precision")
    {
        Description = "Network backbone arithmetic: fp32 or bf16 (CPUs with AVX-512 BF16 or AMX-BF16, refused elsewhere; the " +
            "head, softmax and PDF stay fp32; docs/performance.md, Reduced precision).",
        DefaultValueFactory = _ => "fp32",
    }.AcceptOnlyFromAmong(InferencePrecisions.Names);

    /// <summary>The value of a <see cref="Precision"/> option.</summary>
    public static InferencePrecision PrecisionOf(ParseResult r, Option<string> option) => InferencePrecisions.Parse(r.GetValue(option)!);

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "No progress output." };

    /// <summary>The one default seed of every command that takes <c>--seed</c>.</summary>
    public const ulong DefaultSeed = 42;

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Seed for every random step (results reproduce for the same seed).",
        DefaultValueFactory = _ => DefaultSeed,
    };

    /// <summary>
    /// <c>--threads N</c>: worker threads, at least 1; left out, all cores. The default is computed from the machine,
    /// so it has no DefaultValueFactory (help would print the number) — <see cref="ThreadCount"/> resolves it.
    /// </summary>
    public static Option<int> Threads(string what) =>
        new Option<int>("--threads") { Description = $"{what} (default: all cores)." }.AtLeast(1);

    /// <summary>The value of a <see cref="Threads"/> option: 0 (left out) means all cores.</summary>
    public static int ThreadCount(int value) => value > 0 ? value : Environment.ProcessorCount;

    /// <summary><c>--accelerator</c>: the ILGPU accelerator (never the libtorch device, which is <see cref="Device"/>).</summary>
    public static Option<string> Accelerator(string work) => new Option<string>("--accelerator")
    {
        Description = $"ILGPU accelerator for {work}: cpu (C# on the CPU) or cuda (ILGPU kernels on the GPU); the network's device is " +
            $"--device.",
        DefaultValueFactory = _ => "cpu",
    }.OneOf("cpu", "cuda");

    /// <summary>
    /// A value not among <paramref name="choices"/> is a parse error naming the option (System.CommandLine's own
    /// AcceptOnlyFromAmong message does not name it); help shows <c>&lt;a|b|c&gt;</c> in the given order.
    /// </summary>
    public static Option<string> OneOf(this Option<string> option, params string[] choices)
    {
        option.HelpName = string.Join("|", choices);
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return;
            string value = r.Tokens[^1].Value;
            if (!choices.Contains(value, StringComparer.Ordinal))
                r.AddError($"{r.IdentifierToken?.Value ?? option.Name} must be one of {string.Join(", ", choices)} (got '{value}')");
        });
        return option;
    }

    /// <summary>A value below <paramref name="min"/> is a parse error naming the option as it was typed.</summary>
    public static Option<int> AtLeast(this Option<int> option, int min)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return; // the default
            int v;
            try { v = r.GetValueOrDefault<int>(); }
            catch (InvalidOperationException) { return; } // not a number: the parser's own error says so
            if (v < min) r.AddError($"{r.IdentifierToken?.Value ?? option.Name} must be at least {min} (got {v})");
        });
        return option;
    }

    /// <summary>A value outside [<paramref name="min"/>, <paramref name="max"/>] is a parse error naming the option.</summary>
    public static Option<double> Within(this Option<double> option, double min, double max)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return;
            double v;
            try { v = r.GetValueOrDefault<double>(); }
            catch (InvalidOperationException) { return; }
            if (!(v >= min && v <= max))
                r.AddError(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{r.IdentifierToken?.Value ?? option.Name} must be between {min} and {max} (got {v})"));
        });
        return option;
    }

    /// <summary>An option under its canonical name, with its former spelling kept as a hidden option of its own.</summary>
    public static Renamed<T> FormerlyNamed<T>(this Option<T> option, string former) => new(option, former);

    /// <summary>Adds both spellings of a renamed option (usable in a command's collection initializer).</summary>
    public static void Add<T>(this Command command, Renamed<T> renamed)
    {
        command.Options.Add(renamed.Option);
        command.Options.Add(renamed.Former);
        command.Validators.Add(r =>
        {
            if (r.GetResult(renamed.Option) is { Implicit: false } && r.GetResult(renamed.Former) is { Implicit: false })
                r.AddError($"give {renamed.Option.Name} once ({renamed.Former.Name} is its former name)");
        });
    }

    /// <summary>A comma-separated list of seeds ("42,1,2"); a bad entry is a parse error naming it.</summary>
    public static ulong[] ParseSeedList(System.CommandLine.Parsing.ArgumentResult result)
    {
        var seeds = new List<ulong>();
        foreach (var token in result.Tokens)
            foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (ulong.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                    out var s))
                    seeds.Add(s);
                else
                    result.AddError($"{result.Argument.Name}: '{part}' is not a seed (a non-negative integer)");
            }
        if (seeds.Distinct().Count() != seeds.Count) result.AddError("--seeds: a seed is listed twice");
        return [.. seeds];
    }
}

/// <summary>
/// A renamed option: <see cref="Option"/> is the name help shows; <see cref="Former"/>, the old spelling, still parses
/// (for a release) but is hidden from help. System.CommandLine 2.0 shows every alias of an option in help, so the old
/// name is a separate hidden option mapped onto the same value by <see cref="Get"/>.
/// </summary>
internal sealed class Renamed<T>
{
    public Renamed(Option<T> option, string former)
    {
        Option = option;
        Former = new Option<T>(former) { Description = $"Former name of {option.Name}.", Hidden = true, Arity = option.Arity };
        foreach (var v in option.Validators) Former.Validators.Add(v);
    }

    public Option<T> Option { get; }
    public Option<T> Former { get; }

    /// <summary>The value given under either name (the canonical option's default when neither was given).</summary>
    public T? Get(ParseResult r) => r.GetResult(Former) is { Implicit: false } ? r.GetValue(Former) : r.GetValue(Option);
}

/// <summary>The options that describe a network (train, import-weights): one declaration, one NetworkConfig.</summary>
internal sealed class NetworkOptions
{
    public readonly Option<string> Arch =
        new Option<string>("--arch") { Description = "early or late fusion.", DefaultValueFactory = _ => "early" }.OneOf("early", "late");
    public readonly Option<string> Backbone =
        new("--backbone") { Description = $"ConvNeXt size: {string.Join(", ", ConvNeXtSpec.All.Select(s => s.Name))}.",
        DefaultValueFactory = _ => "convnext-atto" };
    public readonly Option<string?> Small =
        new("--small-backbone") { Description = "Late fusion: GALEX/unWISE encoder size (default: --backbone)." };
    public readonly Option<string> Bands =
        new Option<string>("--bands") { Description = "all, optical, optical+uv or optical+ir.", DefaultValueFactory =
        _ => "all" }.OneOf(BandSets.Names);
    public readonly Option<int> HeadWidth =
        new Option<int>("--head-width") { Description = "Width of the head's hidden layer (paper: 2048).", DefaultValueFactory =
        _ => 2048 }.AtLeast(1);
    public readonly Option<double> DropPath =
        new Option<double>("--drop-path") { Description = "Stochastic depth rate (timm's drop_path_rate), 0 to 0.9.", DefaultValueFactory =
        _ => 0.1 }.Within(0, 0.9);

    public IEnumerable<Option> All => [Arch, Backbone, Small, Bands, HeadWidth, DropPath];

    public NetworkConfig Config(ParseResult r) => new()
    {
        Arch = EnumSpelling<NetworkArch>.Parse(r.GetValue(Arch)!, "--arch"), Backbone = ConvNeXtSpec.Parse(r.GetValue(Backbone)!).Name,
            SmallBackbone = r.GetValue(Small),
        Bands = EnumSpelling<BandSet>.Parse(r.GetValue(Bands)!, "--bands"), HeadWidth = r.GetValue(HeadWidth), DropPath =
            r.GetValue(DropPath),
    };
}

