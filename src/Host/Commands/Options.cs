using System.CommandLine;
using MantisShrimp.Engine.Compute;

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
}
