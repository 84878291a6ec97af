using System.Runtime.InteropServices;

namespace MantisShrimp.Engine.Compute;

/// <summary>
/// How libtorch's OpenMP threads (GNU libgomp in the libtorch-cpu package) wait between parallel regions. libgomp's default
/// spins for a while before sleeping; on a machine whose cores also run the engine's own workers (FITS decoders, the input
/// transform) or other jobs, the spinning threads take the cores those need (docs/performance.md, "OpenMP wait policy":
/// measured there). The engine's default is therefore PASSIVE, set once per process before libtorch is loaded, unless the
/// user's environment already says otherwise (<c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c>).
/// </summary>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>The engine's default when the environment names none.</summary>
    public const string Default = "PASSIVE";

    /// <summary>
    /// Sets <see cref="Variable"/> to <see cref="Default"/> in the process's native environment (libgomp reads it with
    /// getenv when libtorch loads) unless a policy or a spin count is already given; returns the policy in force
    /// (null: a GOMP_SPINCOUNT of the user's decides). Must run before the first call into TorchSharp.
    /// </summary>
    public static string? ApplyDefault()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return given;
        if (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is { Length: > 0 }) return null;
        if (!OperatingSystem.IsLinux()) return null;
        // .NET keeps its own copy of the environment: Environment.SetEnvironmentVariable would not reach getenv.
        if (SetEnv(Variable, Default, 0) != 0) return null;
        return Default;
    }

    /// <summary>The policy libgomp sees (the native environment, not .NET's copy of it): "PASSIVE", "ACTIVE", or "default"
    /// (libgomp spins, then sleeps).</summary>
    public static string InForce()
    {
        if (!OperatingSystem.IsLinux()) return "default";
        var value = Marshal.PtrToStringUTF8(GetEnv(Variable));
        return string.IsNullOrEmpty(value) ? "default" : value;
    }

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
