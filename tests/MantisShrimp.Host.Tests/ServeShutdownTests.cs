using System.Diagnostics;
using MantisShrimp.Engine.Tests;

namespace MantisShrimp.Host.Tests;

/// <summary>The real <c>mantis serve</c> process under the signals kill, docker stop and systemd send.</summary>
public class ServeShutdownTests(ForcedFixture f) : IClassFixture<ForcedFixture>
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mantis.dll");

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_stops_gracefully_on_a_signal(string signal)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDir();
        // env restores SIGINT's default: a suite started in the background (`cmd &`) passes it on ignored, and .NET then
        // leaves an inherited ignore in place.
        var psi = new ProcessStartInfo("env") { RedirectStandardError = true, RedirectStandardOutput = true };
        string[] args = ["--default-signal=INT", "dotnet", Dll, "serve", "--model", f.Model, "--cutouts", f.Cutouts,
            "--cache", tmp.File("cache"), "--ebv", "0.02,0.02", "--device", "cpu", "--host", "127.0.0.1", "--port", "0"];
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        try
        {
            // Bounded waits guard against a hang; they assert nothing about speed.
            var started = Task.Run(() =>
            {
                string? line;
                while ((line = p.StandardOutput.ReadLine()) is not null)
                    if (line.StartsWith("serving on", StringComparison.Ordinal)) return true;
                return false;
            });
            Assert.True(await started.WaitAsync(TimeSpan.FromMinutes(3)), "serve did not start: " + (p.HasExited ? await err : ""));
            string pid = p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using (var kill = Process.Start("kill", ["-" + signal, pid])!) kill.WaitForExit();
            using var exit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await p.WaitForExitAsync(exit.Token); // throws (fails) when the signal is ignored
            Assert.Equal(0, p.ExitCode);
            Assert.DoesNotContain("re-run", await err);
        }
        finally
        {
            if (!p.HasExited) p.Kill(true);
        }
    }
}
