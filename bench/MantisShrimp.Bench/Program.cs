using BenchmarkDotNet.Running;

namespace MantisShrimp.Bench;

/// <summary>BenchmarkDotNet suites. Run Release only: <c>./build.sh --target=Bench</c> or <c>dotnet run -c Release --project
/// bench/MantisShrimp.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>
    /// Exit 1 when a benchmark failed to build or run, or validation refused it, so that a failed suite fails the
    /// build target (it used to exit 0 after a failed build); exit 2 when the filter matched nothing.
    /// </summary>
    public static int Main(string[] args)
    {
        // Not a benchmark: the bit-identity record of the sep port (SepIdentityDump).
        if (args.Length > 0 && args[0] == "sep-identity") return SepIdentityDump.Run(args[1..]);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
        if (summaries.Count == 0) return args.Any(a => a is "--list" or "--help" or "-h" or "--info") ? 0 : 2;
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Length == 0 || s.Reports.Any(r => !r.Success));
        foreach (var s in summaries.Where(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)))
            Console.Error.WriteLine($"benchmark failed: {s.Title}");
        return failed ? 1 : 0;
    }
}
