using System.CommandLine;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Simulation;

namespace MantisShrimp.Host.Commands;

/// <summary>
/// The README's first command runs this: simulate the mock universe → ingest → inspect. Later work makes it the
/// full chain (train, score, evaluate).
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CommandContext ctx)
    {
        var output = new Option<string>("--out") { Description = "Working folder.", DefaultValueFactory = _ => "demo" };
        var count = new Option<int>("--count") { Description = "Number of simulated galaxies.", DefaultValueFactory = _ => 320 };
        var seed = SharedOptions.Seed(42);
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("demo", "Run the pipeline end to end on the embedded default data (simulate → ingest → inspect).")
        {
            output, count, seed, quiet,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            string dir = r.GetValue(output)!;
            var progress = ctx.Progress(r.GetValue(quiet));
            string data = Path.Combine(dir, "data");
            string catalog = MockUniverse.Simulate(new SimulationOptions(r.GetValue(count), r.GetValue(seed), data), progress, cancel);
            string shards = Path.Combine(dir, "shards");
            var summary = Ingest.Run(new IngestOptions(catalog, Path.Combine(data, "cutouts"), shards) { Seed = r.GetValue(seed) }, progress, cancel);
            var c = summary.Manifest.Counts;
            ctx.Out.WriteLine($"shards: {shards} — train {c.Train}, val {c.Val}, test {c.Test}, rejected {c.Rejected}");
            using var set = ShardSet.Open(shards);
            var first = set.Shards.First(s => s.Count > 0);
            var rec = ShardInspector.Inspect(set, first.Ids[0]);
            ctx.Out.WriteLine(InspectCommand.ToJson(rec).ToJsonString());
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
