using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

/// <summary>
/// Runs one of the peer scripts in <c>peers/</c> with the system interpreter. Debian's packages of the peers
/// (astropy, healpy, sep, PyTorch, OpenCV) are installed for <c>/usr/bin/python3</c>, and another
/// <c>python3</c> without them may come first on PATH, so the path is explicit. A script reads its inputs from
/// files the test wrote and prints one JSON document on stdout; anything on stderr is kept for the failure message.
/// </summary>
public static class PythonPeer
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Where the peer scripts were copied with the test assembly.</summary>
    public static string ScriptPath(string script) => Path.Combine(AppContext.BaseDirectory, "peers", script);

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; returns its stdout parsed as JSON.</summary>
    public static JsonElement Run(string script, params string[] args) => Run(script, TimeSpan.FromMinutes(5), args);

    public static JsonElement Run(string script, TimeSpan timeout, params string[] args)
    {
        string text = RunText(script, timeout, args);
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{script} did not print JSON ({e.Message}):\n{Tail(text)}");
        }
    }

    /// <summary>Runs <paramref name="script"/>; returns its stdout as text; throws with stderr when it fails.</summary>
    public static string RunText(string script, TimeSpan timeout, params string[] args)
    {
        if (!File.Exists(Interpreter))
            throw new InvalidOperationException($"{Interpreter} is missing: build.sh installs the peers (python3-astropy …)");
        var psi = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ScriptPath(script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The peers' own thread pools would fight the test host for the 2 cores; results do not depend on it.
        psi.Environment["OMP_NUM_THREADS"] = "1";
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Interpreter}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} ran past {timeout.TotalSeconds:0} s");
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited {p.ExitCode}:\n{Tail(stderr.Result)}");
        return stdout.Result;
    }

    /// <summary>Writes a figure to the test output so every conformance check reports its number.</summary>
    public static void Report(ITestOutputHelper output, string check, string figure) =>
        output.WriteLine($"conformance: {check}: {figure}");

    private static string Tail(string s) => s.Length <= 4000 ? s : s[^4000..];
}
