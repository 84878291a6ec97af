using System.CommandLine;
using MantisShrimp.Engine.Data;

namespace MantisShrimp.Host.Commands;

/// <summary><c>mantis photometry SHARDS</c>: measures every record's target photometry once into the shard set's tables.</summary>
internal static class PhotometryCommand
{
    public static Command Create(CommandContext ctx)
    {
        var shards = new Argument<string>("shards") { Description = "Shard folder written by ingest." };
        var threads = SharedOptions.Threads("Worker threads");
        var cmd = new Command("photometry",
            "Measure each record's target photometry (9 bands, the paper's rule) once into SHARD.photometry; consumers read it.")
        {
            shards, threads,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            using var set = ShardSet.Open(r.GetValue(shards)!);
            int n = PhotometryTable.WriteMissing(set, r.GetValue(threads), cancel);
            ctx.Out.WriteLine($"measured {n} records");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
