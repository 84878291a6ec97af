using MantisShrimp.Engine.Common;
using TorchSharp;

namespace MantisShrimp.Engine.Compute;

public static class InferencePrecisions
{
    public static readonly string[] Names = ["fp32", "bf16"];

    public static InferencePrecision Parse(string name) => name.ToLowerInvariant() switch
    {
        "fp32" => InferencePrecision.Fp32,
        "bf16" => InferencePrecision.Bf16,
        _ => throw new UserInputException($"--precision must be one of {string.Join(", ", Names)} (got '{name}')"),
    };

    public static string Name(this InferencePrecision p) => Names[(int)p];

    /// <summary>The libtorch element type of the backbones.</summary>
    public static torch.ScalarType ScalarType(this InferencePrecision p) =>
        p == InferencePrecision.Bf16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32;

    /// <summary>
    /// CPU flags that give native bf16 dot products: AVX-512 BF16 (vdpbf16ps) or AMX-BF16. Without either, libtorch
    /// still runs bf16 but converts in software, slower than float32 — so bf16 is refused there rather than run slowly.
    /// </summary>
    public static readonly string[] CpuFlags = ["avx512_bf16", "amx_bf16"];

    /// <summary>Throws a <see cref="UserInputException"/> when <paramref name="p"/> cannot run natively on <paramref
    /// name="device"/>.</summary>
    public static void Check(this InferencePrecision p, torch.Device device) => Check(p, device, CpuFlagsOfThisMachine());

    /// <summary>The check with the CPU's flags given (null: unknown), so every branch can be tested on any machine.</summary>
    public static void Check(this InferencePrecision p, torch.Device device, IReadOnlySet<string>? cpuFlags)
    {
        if (p == InferencePrecision.Fp32 || device.type != DeviceType.CPU) return; // CUDA: bf16 is native from sm_80 on, libtorch's call
        if (cpuFlags is null)
            throw new UserInputException("--precision bf16: cannot read this CPU's flags (Linux /proc/cpuinfo) to confirm AVX-512 BF16 " +
                "or AMX-BF16; use --precision fp32");
        if (!CpuFlags.Any(cpuFlags.Contains))
            throw new UserInputException($"--precision bf16: this CPU has neither {string.Join(" nor ", CpuFlags)}; libtorch would " +
                $"emulate bf16 in software, slower than fp32 — use --precision fp32");
    }

    /// <summary>The flags line of /proc/cpuinfo as a set; null where there is none (not Linux).</summary>
    public static IReadOnlySet<string>? CpuFlagsOfThisMachine()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return null;
        foreach (var line in File.ReadLines(cpuinfo))
            if (line.StartsWith("flags", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return null;
    }
}
