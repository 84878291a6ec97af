using System.Collections;
using System.CommandLine;
using MantisShrimp.Engine.Diagnostics;

namespace MantisShrimp.Host.Commands;

/// <summary>
/// How every <c>mantis bench …</c> reports: the machine described at the start (load average before the run), the
/// benchmark run <c>--runs N</c> times, the table on stderr (people), the JSON on stdout and in <c>--json FILE</c>.
/// </summary>
internal static class BenchOutput
{
    public static Option<int> RunsOption() => new("--runs")
    {
        Description = "Run the whole benchmark N times: each figure is the median, with min–max in the table and \"spread\" in the JSON.",
        DefaultValueFactory = _ => 1,
    };

    public static void Run(CommandContext ctx, int runs, Func<IDictionary> bench, string? jsonPath)
    {
        var machine = BenchMachine.Describe();
        var report = BenchReport.Run(runs, bench, machine);
        if (Engine.Distributed.MpiSession.Current.IsRoot) ctx.Error.WriteLine(BenchReport.Table(report));
        ctx.WriteJson(report, jsonPath);
    }
}
