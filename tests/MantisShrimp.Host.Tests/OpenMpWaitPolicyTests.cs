using System.Diagnostics;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// The engine's OpenMP wait policy reaches the native environment libgomp reads (not only .NET's copy of it), and a user's
/// own setting wins: checked in real mantis processes, through what <c>mantis info</c> reads back with libc's getenv.
/// </summary>
public class OpenMpWaitPolicyTests
{
    private static string Info(params (string Name, string Value)[] environment)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(PredictFiles.Dll);
        psi.ArgumentList.Add("info");
        psi.Environment.Remove("OMP_WAIT_POLICY");
        psi.Environment.Remove("GOMP_SPINCOUNT");
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr.Result);
        return stdout;
    }

    [Fact]
    public void Passive_unless_the_environment_says_otherwise()
    {
        Assert.Contains("OpenMP wait policy PASSIVE", Info(), StringComparison.Ordinal);
        Assert.Contains("OpenMP wait policy ACTIVE", Info(("OMP_WAIT_POLICY", "ACTIVE")), StringComparison.Ordinal);
        // A spin count of the user's is libgomp's own tuning: the engine sets no policy over it.
        Assert.Contains("OpenMP wait policy default", Info(("GOMP_SPINCOUNT", "1000")), StringComparison.Ordinal);
    }
}
