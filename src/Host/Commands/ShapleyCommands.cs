using System.CommandLine;
using System.Globalization;
using MantisShrimp.Engine.Benchmarks;
using MantisShrimp.Engine.Shapley;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Host.Commands;

internal static class ShapleyCommand
{
    public static Command Create(CommandContext ctx)
    {
        var model = SharedOptions.Model("Checkpoint (best.ckpt or last.ckpt).");
        var data = SharedOptions.Data("Shard set.");
        var split = SharedOptions.Split("train, val or test.", "test");
        var count = new Option<int>("--count") { Description = "Explain the first N galaxies of the split (0: all).", DefaultValueFactory =
            _ => 0 }.AtLeast(0);
        var mode = new Option<string>("--mode") { Description = "exact (all 512 band subsets) or sampled (random permutations).",
            DefaultValueFactory = _ => "exact" }
            .OneOf("exact", "sampled");
        var permutations = new Option<int>("--permutations") { Description = "Sampled mode: permutations per galaxy (antithetic pairs).",
            DefaultValueFactory = _ => 32 }.AtLeast(1);
        var group = new Option<int>("--galaxies-per-batch") { Description = "Galaxies whose composites share network batches.",
            DefaultValueFactory = _ => 4 }.AtLeast(1);
        var batchSize = new Option<int>("--batch-size") { Description = "Composites per network call.", DefaultValueFactory =
            _ => 64 }.AtLeast(1);
        var noStem = new Option<bool>("--no-stem-trick") { Description =
            "Early fusion: convolve every composite instead of assembling stem outputs." };
        var noFactorise = new Option<bool>("--no-factorise")
        {
            Description = "Late fusion: run the whole network on every composite instead of each encoder on its own bands' subsets.",
        };
        var accelerator = SharedOptions.Accelerator("the input transform, masked images and band-subset composites");
        var seed = SharedOptions.Seed();
        var output = SharedOptions.TableOut("Output table", "; OUT.journal holds finished galaxies until the run completes");
        var device = SharedOptions.Device();
        var precision = SharedOptions.Precision();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("shapley", "Band importance per galaxy: exact Shapley values over the 512 band subsets against " +
            "masked images (each band's target replaced by noise), and MM-SHAP (resumable).")
        {
            model, data, split, count, mode, permutations, group, batchSize, noStem, noFactorise, accelerator, seed, output, device,
                precision, quiet,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var options = new ShapleyOptions(r.GetValue(model)!, r.GetValue(data)!, r.GetValue(output)!)
            {
                Split = r.GetValue(split)!, Count = r.GetValue(count), Mode = EnumSpelling<ShapleyMode>.Parse(r.GetValue(mode)!, "--mode"),
                    Permutations = r.GetValue(permutations),
                GalaxiesPerGroup = r.GetValue(group), BatchSize = r.GetValue(batchSize), StemTrick = !r.GetValue(noStem),
                Factorise = !r.GetValue(noFactorise), Accelerator = r.GetValue(accelerator)!,
                Seed = r.GetValue(seed), Device = r.GetValue(device)!, Precision = SharedOptions.PrecisionOf(r, precision),
            };
            int rows = ShapleyRunner.Run(options, ctx.Progress(r.GetValue(quiet)), cancel);
            ctx.Out.WriteLine($"{rows} galaxies → {options.Out}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class ShapleyPlotCommand
{
    public static Command Create(CommandContext ctx)
    {
        var input = new Option<string>("--input") { Description =
            "Output of mantis shapley: CSV, Parquet, FITS or ECSV (.csv, .parquet, .fits, .ecsv).", Required = true };
        var output = SharedOptions.Out("Folder for shapley_by_z.png, mmshap_by_z.png, shapley_by_z.csv.");
        var width = new Option<double>("--bin-width") { Description = "Redshift bin width.", DefaultValueFactory = _ => 0.2 };
        var cmd = new Command("shapley-plot",
            "Fig. 9 analogue: mean Shapley value and MM-SHAP per band in redshift bins, with standard errors.") { input, output, width };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            var bins = ShapleyFigures.Plot(r.GetValue(input)!, r.GetValue(output)!, r.GetValue(width));
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{bins.Count} redshift bins, {bins.Sum(b => b.Count)} galaxies → {r.GetValue(output)}"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class MaskedImagesCommand
{
    public static Command Create(CommandContext ctx)
    {
        var data = SharedOptions.Data("Shard set.");
        var split = SharedOptions.Split("train, val or test.", "test");
        var count = new Option<int>("--count") { Description = "Random examples.", DefaultValueFactory = _ => 4 }.AtLeast(1);
        var seed = SharedOptions.Seed();
        var output = SharedOptions.Out("Folder for baseline_ID.png (bands above, masked images below) and baselines.csv.");
        var cmd = new Command("masked-images", "Fig. 6 analogue: random galaxies' 9 bands and their masked images (the target " +
            "replaced by noise) as PNGs.") { data, split, count, seed, output };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            var files = ShapleyFigures.MaskedImageExamples(r.GetValue(data)!, r.GetValue(split)!, r.GetValue(count), r.GetValue(seed),
                r.GetValue(output)!);
            foreach (var f in files) ctx.Out.WriteLine(f);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class BenchShapleyCommand
{
    public static Command Create(CommandContext ctx)
    {
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var model = SharedOptions.Model("Checkpoint.", "demo/run/best.ckpt");
        var data = SharedOptions.Data("Shard set.", "demo/shards");
        var split = SharedOptions.Split("Split whose first galaxies are explained.", "test");
        var count = new Option<int>("--count") { Description = "Galaxies explained exactly.", DefaultValueFactory =
            _ => 4 }.AtLeast(1).FormerlyNamed("--galaxies");
        var batchSize = new Option<int>("--batch-size") { Description = "Composites per network call.", DefaultValueFactory =
            _ => 64 }.AtLeast(1);
        var repeats = new Option<int>("--repeats") { Description = "Rounds per timing (best round kept).", DefaultValueFactory =
            _ => 5 }.AtLeast(1);
        var accelerator = SharedOptions.Accelerator("the input transform, masked images and band-subset composites");
        var seed = SharedOptions.Seed();
        var device = SharedOptions.Device();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("shapley", "Exact Shapley galaxies/s vs the model's inference rate, batching and stem-trick gains, " +
            "evaluations saved, sampled-mode speed-up at MAE < 0.005.")
        {
            json, model, data, split, count, batchSize, repeats, accelerator, seed, device, quiet,
        };
        var runs = BenchOutput.RunsOption();
        cmd.Options.Add(runs);
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            BenchOutput.Run(ctx, r.GetValue(runs),
                () => ShapleyBenchmark.Run(new ShapleyBenchmarkOptions(r.GetValue(model)!, r.GetValue(data)!)
            {
                Split = r.GetValue(split)!, Galaxies = count.Get(r), BatchSize = r.GetValue(batchSize),
                Seed = r.GetValue(seed), Device = r.GetValue(device)!, Repeats = r.GetValue(repeats),
                Accelerator = r.GetValue(accelerator)!,
            }, ctx.Progress(r.GetValue(quiet))), r.GetValue(json));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
