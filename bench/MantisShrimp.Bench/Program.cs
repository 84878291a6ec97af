using BenchmarkDotNet.Running;

namespace MantisShrimp.Bench;

/// <summary>BenchmarkDotNet suites. Run Release only: <c>./build.sh --target=Bench</c> or <c>dotnet run -c Release --project bench/MantisShrimp.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
