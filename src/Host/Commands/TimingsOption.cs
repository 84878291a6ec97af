using System.CommandLine;
using System.CommandLine.Invocation;
using MantisShrimp.Engine.Diagnostics;

namespace MantisShrimp.Host.Commands;

/// <summary>
/// <c>--timings FILE.json</c> on the long-running jobs, added around their actions in one place (the commands
/// stay as they are): the job runs inside a <see cref="StageTimings"/> collection; at the end the stage table goes
/// to stderr (not with --quiet) and, when asked, the JSON to the file. Under MPI, rank 0 reports its own stages.
/// </summary>
internal static class TimingsOption
{
    public static readonly string[] Jobs = ["score", "predict", "train", "ingest", "shapley", "calibrate"];

    public static void Attach(RootCommand root, CommandContext ctx)
    {
        foreach (var cmd in root.Subcommands.Where(c => Jobs.Contains(c.Name))) Attach(cmd, ctx);
    }

    private static void Attach(Command cmd, CommandContext ctx)
    {
        if (cmd.Action is not SynchronousCommandLineAction inner) return;
        var option = new Option<string?>("--timings")
        {
            Description = "Write per-stage timings as JSON: {\"wall_seconds\", \"stages\": {NAME: {\"seconds\", \"items\"}}, \"machine\"}.",
        };
        cmd.Options.Add(option);
        var quiet = cmd.Options.OfType<Option<bool>>().FirstOrDefault(o => o.Name == "--quiet");
        cmd.SetAction(r =>
        {
            StageTimings timings;
            int code;
            using (var session = StageTimings.Begin())
            {
                timings = session.Timings;
                code = inner.Invoke(r);
            }
            if (code != ExitCodes.Ok || !Engine.Distributed.MpiSession.Current.IsRoot) return code;
            if (!(quiet is not null && r.GetValue(quiet))) ctx.Error.WriteLine(TimingsReport.Table(timings));
            if (r.GetValue(option) is { } path)
            {
                try { TimingsReport.Write(path, timings, BenchMachine.Describe()); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    ctx.Error.WriteLine($"error: --timings {path}: {e.Message}");
                    return ExitCodes.UserError;
                }
            }
            return code;
        });
    }
}
