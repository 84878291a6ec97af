using System.CommandLine;
using MantisShrimp.Engine.Simulation;

namespace MantisShrimp.Host.Commands;

internal static class SimulateCommand
{
    public static Command Create(CommandContext ctx)
    {
        var count = new Option<int>("--count") { Description = "Number of galaxies.", Required = true }.AtLeast(1);
        var output = SharedOptions.Out("Output folder: catalog.csv, cutouts/, dust/.");
        var seed = SharedOptions.Seed();
        var mix = new Option<string?>("--mix") { Description = "Population weights, e.g. bgs=0.35,lrg=0.25,elg=0.25,general=0.15." };
        var nside = new Option<int>("--dust-nside") { Description = "HEALPix NSIDE of the written dust maps.", DefaultValueFactory =
            _ => DustSky.DefaultNside };
        var threads = SharedOptions.Threads("Worker threads");
        var shards = new Option<string?>("--shards") { Description =
            "Direct path: write shards here instead of FITS cutouts (records equal simulate + ingest)." };
        var chunks = new Option<int>("--chunks") { Description = "With --shards: chunks of the split.", DefaultValueFactory =
            _ => 16 }.AtLeast(1);
        var ingestSeed = new Option<ulong>("--ingest-seed") { Description = "With --shards: the split's seed (as ingest --seed).",
            DefaultValueFactory = _ => SharedOptions.DefaultSeed };
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("simulate", "Simulate the mock universe: catalog.csv with true magnitudes and structure, cutouts exactly " +
            "as the services deliver them, and the two E(B−V) HEALPix maps.")
        {
            count, output, seed, mix, nside, threads, shards, chunks, ingestSeed, quiet,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var options = new SimulationOptions(r.GetValue(count), r.GetValue(seed), r.GetValue(output)!)
            {
                Mix = r.GetValue(mix) is { } m ? PopulationMix.Parse(m) : PopulationMix.Default,
                DustNside = r.GetValue(nside),
                Threads = SharedOptions.ThreadCount(r.GetValue(threads)),
            };
            if (!Engine.Sky.Healpix.IsValidNside(options.DustNside)) throw new Engine.Common.UserInputException("--dust-nside must be a " +
                "power of two");
            var progress = ctx.Progress(r.GetValue(quiet));
            if (r.GetValue(shards) is { } shardDir)
            {
                var s = MockUniverse.SimulateToShards(options, shardDir, r.GetValue(chunks), r.GetValue(ingestSeed), progress, cancel);
                var c = s.Manifest.Counts;
                ctx.Out.WriteLine($"simulated {options.Count} → {shardDir}: train {c.Train}, val {c.Val}, test {c.Test}, rejected " +
                    $"{c.Rejected}");
            }
            else
            {
                string catalog = MockUniverse.Simulate(options, progress, cancel);
                ctx.Out.WriteLine($"simulated {options.Count} galaxies → {catalog}, {Path.Combine(options.OutputDirectory, "cutouts")}");
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class SimulateReportCommand
{
    public static Command Create(CommandContext ctx)
    {
        var output = SharedOptions.Out("Folder for the figures (PNG) and sim_report.json.", "docs/figures");
        var count = new Option<int>("--count") { Description = "Galaxies in the validation sample (at least 20).", DefaultValueFactory =
            _ => 600 }.AtLeast(20);
        var seed = SharedOptions.Seed();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("simulate-report", "Check the mock universe and draw the figures of docs/simulator.md: n(z), colour " +
            "tracks, depths, flux consistency, example cutouts.")
        {
            output, count, seed, quiet,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            var report = SimulationReport.Run(r.GetValue(output)!, r.GetValue(count), r.GetValue(seed), ctx.Progress(r.GetValue(quiet)));
            ctx.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(report, CommandContext.Indented));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
