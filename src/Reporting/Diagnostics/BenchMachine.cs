using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace MantisShrimp.Engine.Diagnostics;

/// <summary>
/// The machine a measurement ran on, for bench and timings JSON: cpu model, cores, memory, os, .NET, libtorch,
/// torch threads, commit, load average at start — and a warning when the machine was busy (then figures are noisy).
/// </summary>
public static class BenchMachine
{
    /// <summary>The machine now; <c>warning</c> is present only when the 1-minute load exceeds half the cores.</summary>
    public static Dictionary<string, object?> Describe()
    {
        var load = LoadAverage();
        int cores = Environment.ProcessorCount;
        var d = new Dictionary<string, object?>
        {
            ["cpu"] = CpuModel(),
            ["cores"] = cores,
            ["memory"] = Memory(),
            ["os"] = RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["libtorch"] = Metadata("LibtorchVersion"),
            ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString(),
            ["torch_threads"] = torch.get_num_threads(),
            ["omp_wait_policy"] = Compute.OpenMpWaitPolicy.InForce(),
            ["commit"] = Commit(),
            ["load_average"] = load,
        };
        if (load is { Length: > 0 } && load[0] > 0.5 * cores)
            d["warning"] = string.Create(CultureInfo.InvariantCulture,
                $"machine busy at start: load average {load[0]:F2} on {cores} cores; figures are noisy");
        return d;
    }

    private static string? Metadata(string key) =>
        typeof(BenchMachine).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string Memory()
    {
        long bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return (bytes / (1024.0 * 1024 * 1024)).ToString("F1", CultureInfo.InvariantCulture) + " GiB";
    }

    /// <summary>1, 5 and 15-minute load averages (Linux), null elsewhere.</summary>
    public static double[]? LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    /// <summary>The git commit of the working directory (null outside a checkout or without git).</summary>
    private static string? Commit()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("git", "rev-parse --short=12 HEAD")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (p is null) return null;
            string text = p.StandardOutput.ReadToEnd().Trim();
            if (!p.WaitForExit(5000)) { p.Kill(); return null; }
            return p.ExitCode == 0 && text.Length > 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }
}
