using System.CommandLine;
using MantisShrimp.Engine.Data;

namespace MantisShrimp.Host.Commands;

internal static class IngestCommand
{
    public static Command Create(CommandContext ctx)
    {
        var catalog = new Option<string>("--catalog") { Description = "Catalog CSV with at least id,ra,dec,z,ebv_csfd,ebv_planck.",
            Required = true };
        var cutouts = new Option<string>("--cutouts") { Description =
            "Folder of cutouts in reference naming ({id}.Galex.fits, {id}.g.fits …, {id}.Unwise.fits).", Required = true };
        var output = SharedOptions.Out("Output shard folder (created; an interrupted ingest there is resumed).");
        var chunks = new Option<int>("--chunks") { Description = "Chunks the shuffled sources are cut into, each split 70/10/20.",
            DefaultValueFactory = _ => 16 }.AtLeast(1);
        var threads = SharedOptions.Threads("Worker threads");
        var seed = SharedOptions.Seed();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("ingest", "Read a catalog and its cutouts into memory-mappable shards with the paper's 16-chunk 70/10/20 " +
            "split.")
        {
            catalog, cutouts, output, chunks, seed, threads, quiet,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var options = new IngestOptions(r.GetValue(catalog)!, r.GetValue(cutouts)!, r.GetValue(output)!)
            {
                Chunks = r.GetValue(chunks),
                Seed = r.GetValue(seed),
                MaxParallelism = SharedOptions.ThreadCount(r.GetValue(threads)),
            };
            var summary = Ingest.Run(options, ctx.Progress(r.GetValue(quiet)), cancel);
            var c = summary.Manifest.Counts;
            ctx.Out.WriteLine($"{(summary.AlreadyComplete ? "already complete" : "ingested")}: train {c.Train}, val {c.Val}, test " +
                $"{c.Test}, rejected {c.Rejected} of {c.CatalogRows} → {options.OutputDirectory}");
            if (c.Rejected > 0) ctx.Out.WriteLine($"rejections: {Path.Combine(options.OutputDirectory, Ingest.RejectsFile)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
