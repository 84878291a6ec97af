using System.CommandLine;
using System.Globalization;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Engine.Training;

namespace MantisShrimp.Host.Commands;

internal static class TrainCommand
{
    // Long by design: one declaration per option, then a short action (System.CommandLine builder style).
    public static Command Create(CommandContext ctx)
    {
        var data = SharedOptions.Data("Shard set (ingest output).");
        var network = new NetworkOptions();
        var epochs = new Option<int>("--epochs") { Description = "Epochs (a resumed run continues to this many).", DefaultValueFactory =
            _ => 10 }.AtLeast(1);
        var batches = new Option<int>("--batches-per-epoch") { Description = "Fixed batches per epoch (paper: 1000).", DefaultValueFactory =
            _ => 1000 }.AtLeast(1);
        var batchSize = new Option<int>("--batch-size") { Description = "Batch size (paper: 16).", DefaultValueFactory =
            _ => 16 }.AtLeast(1);
        var lr = new Option<double>("--lr") { Description = "NAdam learning rate.", DefaultValueFactory = _ => 2e-4 };
        var wd = new Option<double>("--weight-decay") { Description = "L2 weight decay (NAdam adds it to the gradient; not decoupled).",
            DefaultValueFactory = _ => 1e-5 };
        var distributed = new Option<bool>("--distributed") { Description =
            "Data-parallel over the ranks of mpiexec -n N: --batch-size per rank, gradients averaged with Allreduce, rank 0 writes." };
        var initWeights = new Option<string?>("--init-weights")
        {
            Description = "Start from a PyTorch state dict (.pth/.pt/.bin or .safetensors): this network's layout, or a timm ConvNeXt " +
                "(e.g. ImageNet-pretrained) whose stem is adapted to the bands. Not used on resume.",
        };
        var init = new Option<string>("--init")
        {
            Description = "Starting weights from scratch: torch (libtorch's defaults) or timm (timm's convnext init; on the small demo " +
                "network it leaves the starting plateau later, in plain PyTorch too: docs/weights.md).",
            DefaultValueFactory = _ => "torch",
        }.OneOf("torch", "timm");
        var initEncoder = new Option<string?>("--init-encoder")
        {
            Description = $"Late fusion: the encoder a timm backbone goes into ({BandTable.EncoderKeys}; default " +
                $"{BandTable.PanStarrs.EncoderKey}).",
        };
        var threads = SharedOptions.Threads("libtorch threads; results depend on the count: pin it to reproduce or resume a run on a " +
            "machine with another core count");
        var seed = SharedOptions.Seed();
        var output = SharedOptions.Out("Run folder: best.ckpt, last.ckpt, history.csv (resumed when last.ckpt exists).");
        var device = SharedOptions.Device();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("train", "Train an early- or late-fusion photo-z network (cross-entropy over 400 classes, NAdam, " +
            "class-balanced sampling, ReduceLROnPlateau).")
        {
            data, epochs, batches, batchSize, lr, wd, init, initWeights, initEncoder, threads, distributed, seed, output, device, quiet,
        };
        int at = 1; // after --data, as before
        foreach (var o in network.All) cmd.Options.Insert(at++, o);
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var options = new TrainOptions
            {
                Data = r.GetValue(data)!,
                Out = r.GetValue(output)!,
                Network = network.Config(r),
                InitWeights = r.GetValue(initWeights),
                Init = r.GetValue(init) == "timm" ? WeightInit.Timm : WeightInit.Torch,
                InitEncoder = r.GetValue(initEncoder),
                Epochs = r.GetValue(epochs),
                BatchesPerEpoch = r.GetValue(batches),
                BatchSize = r.GetValue(batchSize),
                LearningRate = r.GetValue(lr),
                WeightDecay = r.GetValue(wd),
                Seed = r.GetValue(seed),
                Device = r.GetValue(device)!,
                Threads = r.GetValue(threads), // 0 (left out): all cores
                Distributed = r.GetValue(distributed),
            };
            var state = Trainer.Run(options, ctx.Progress(r.GetValue(quiet)), cancel);
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trained {state.Epoch} epochs; best epoch {state.BestEpoch} (loss {state.BestValidationLoss:F4}) → " +
                    $"{Path.Combine(options.Out, Trainer.BestCheckpoint)}"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class ScoreCommand
{
    public static Command Create(CommandContext ctx)
    {
        var model = SharedOptions.Model("Checkpoint (best.ckpt or last.ckpt).");
        var data = SharedOptions.Data("Shard set.");
        var split = SharedOptions.Split("train, val or test.", "test");
        var output = SharedOptions.TableOut("Output table");
        var pdf = new Option<bool>("--pdf") { Description = "Also write p_000 … p_399 (class probabilities, summing to 1)." };
        var tta = new Option<int>("--tta") { Description = "Average the PDFs of K fixed rotations (1: none).", DefaultValueFactory =
            _ => 1 }.AtLeast(1);
        var threads = SharedOptions.Threads("Threads preparing input batches").FormerlyNamed("--workers");
        var calibration = new Option<string?>("--calibration") { Description =
            "A mantis calibrate folder: recalibrate each PDF with CalPIT before summarising it." };
        var snr = new Option<string?>("--snr")
        {
            Description = "Also write the target's measured S/N per band as snr_BAND columns (source extraction, ≈ 4 ms per band and " +
                "galaxy): band names separated by commas (r; g,r,i) or all.",
        };
        var device = SharedOptions.Device();
        var precision = SharedOptions.Precision();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("score", "Score a split: z_mean, z_mode, z_std and 68%/90% central intervals per galaxy (deterministic).")
        {
            model, data, split, output, pdf, tta, calibration, snr, threads, device, precision, quiet,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            int rows = Scorer.Run(new ScoreOptions(r.GetValue(model)!, r.GetValue(data)!, r.GetValue(split)!, r.GetValue(output)!)
            {
                WritePdf = r.GetValue(pdf), Tta = r.GetValue(tta), Device = r.GetValue(device)!, Calibration = r.GetValue(calibration),
                Workers = SharedOptions.ThreadCount(threads.Get(r)), SnrBands = SnrBands(r.GetValue(snr)),
                Precision = SharedOptions.PrecisionOf(r, precision),
            }, ctx.Progress(r.GetValue(quiet)), cancel);
            ctx.Out.WriteLine($"scored {rows} galaxies → {r.GetValue(output)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>--snr: "r", "g,r,i" or "all".</summary>
    internal static Band[] SnrBands(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        if (value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return BandTable.All.Select(b => b.Band).ToArray();
        try
        {
            return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n =>
                BandTable.Parse(n).Band).Distinct().ToArray();
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"--snr: {e.Message}");
        }
    }
}

internal static class EvaluateCommand
{
    public static Command Create(CommandContext ctx)
    {
        var scores = new Option<string>("--scores")
        {
            Description = "Scores table from mantis score: CSV, Parquet, FITS or ECSV (.csv, .parquet, .fits, .ecsv; with --pdf for PIT " +
                "and CDE metrics).",
            Required = true,
        };
        var output = SharedOptions.Out("Output folder: metrics.json and plots.");
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for standard errors (paper: 100000; 0: none).",
            DefaultValueFactory = _ => 0 }.AtLeast(0);
        var seed = SharedOptions.Seed();
        var magColumn = new Option<string>("--mag-column") { Description =
            "Catalog magnitude column for metrics by magnitude bin (used when present).", DefaultValueFactory = _ => "mag_r" };
        var snrColumn = new Option<string>("--snr-column") { Description =
            "Measured S/N column (score --snr) for metrics by S/N bin, as the paper's Fig. 10 (used when present).", DefaultValueFactory =
            _ => "snr_r" };
        var table = new Option<string?>("--table")
        {
            Description = "Also the metrics as a table (CSV, Parquet, FITS or ECSV, by extension: .csv, .parquet, .fits, .ecsv), one " +
                "row per group; outlier rates as eta_*_pct (%).",
        };
        var cmd = new Command("evaluate", "Photo-z metrics (NMAD, bias, outlier rates, CDE loss, PIT KS/CvM/AD) with bootstrap errors, " +
            "by sub-population, magnitude and S/N, and plots.")
        {
            scores, output, bootstrap, seed, magColumn, snrColumn, table,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            var result = Evaluator.Run(new EvaluateOptions(r.GetValue(scores)!, r.GetValue(output)!)
            {
                Bootstrap = r.GetValue(bootstrap), Seed = r.GetValue(seed), MagnitudeColumn = r.GetValue(magColumn)!, SnrColumn =
                    r.GetValue(snrColumn)!,
                Table = r.GetValue(table),
            });
            ctx.Out.WriteLine(MetricsTable(result));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    internal static string MetricsTable(EvaluationReport report)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("metric      value        se");
        sb.AppendLine($"{EvaluationReport.CountKey,-11} {report.All.N,-12} ");
        var se = (report.All.StandardErrors ?? MetricValues.Missing).ToArray();
        foreach (var ((name, value), i) in report.All.Values.Named().Select((m, i) => (m, i)))
        {
            string v = double.IsNaN(value) ? "—" : value.ToString("G5", CultureInfo.InvariantCulture);
            string s = double.IsNaN(se[i]) ? "" : se[i].ToString("G3", CultureInfo.InvariantCulture);
            sb.AppendLine($"{name,-11} {v,-12} {s}");
        }
        return sb.ToString();
    }
}

internal static class TrainTabularCommand
{
    public static Command Create(CommandContext ctx)
    {
        var data = SharedOptions.Data("Shard set.");
        var split = SharedOptions.Split("Split to score.", "test");
        var output = SharedOptions.TableOut("Scores table", ", same columns as mantis score");
        var pdf = new Option<bool>("--pdf") { Description = "Also write p_000 … p_399." };
        var seed = SharedOptions.Seed();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("train-tabular", "Tabular model: aperture photometry + E(B−V) → gradient-boosted trees (FastTree) with " +
            "a Gaussian PDF; trains on train/val and scores a split.")
        {
            data, split, output, pdf, seed, quiet,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            using var set = Engine.Data.ShardSet.Open(r.GetValue(data)!);
            var progress = ctx.Progress(r.GetValue(quiet));
            var predictions = Engine.Tabular.TabularModel.TrainAndPredict(set, r.GetValue(split)!, r.GetValue(seed), progress);
            int rows = Scorer.Write(predictions, set, r.GetValue(split)!, r.GetValue(output)!, r.GetValue(pdf), progress);
            ctx.Out.WriteLine($"train-tabular scored {rows} galaxies → {r.GetValue(output)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class Table4Command
{
    public static Command Create(CommandContext ctx)
    {
        var data = SharedOptions.Data("Shard set.");
        var output = SharedOptions.Out("Folder for the runs.");
        var markdown = new Option<string>("--markdown") { Description = "Report file.", DefaultValueFactory = _ => "docs/results.md" };
        var backbone = new Option<string>("--backbone") { DefaultValueFactory = _ => "convnext-demo" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => 12 }.AtLeast(1);
        var batches = new Option<int>("--batches-per-epoch") { Description = "Batches per epoch.", DefaultValueFactory =
            _ => 100 }.AtLeast(1);
        var seed = SharedOptions.Seed();
        var seeds = new Option<ulong[]>("--seeds")
        {
            Description = "Several training seeds (e.g. 42,1,2): each row as mean ± spread over them; overrides --seed.",
            CustomParser = SharedOptions.ParseSeedList,
        };
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("table4", "The mock-universe analogue of the paper's Table 4: early/late fusion × band sets + the tabular " +
            "model → a markdown report.")
        {
            data, output, markdown, backbone, epochs, batches, seed, seeds, quiet,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            string report = Engine.Experiments.Table4.Run(new Engine.Experiments.Table4Options(r.GetValue(data)!, r.GetValue(output)!,
                r.GetValue(markdown)!)
            {
                Backbone = ConvNeXtSpec.Parse(r.GetValue(backbone)!).Name, Epochs = r.GetValue(epochs), BatchesPerEpoch =
                    r.GetValue(batches),
                Seed = r.GetValue(seed), Seeds = r.GetValue(seeds) is { Length: > 0 } list ? list : [r.GetValue(seed)],
            }, ctx.Progress(r.GetValue(quiet)), cancel);
            ctx.Out.WriteLine(report);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class GridCommand
{
    public static Command Create(CommandContext ctx)
    {
        var data = SharedOptions.Data("Shard set.");
        var output = SharedOptions.Out("Folder for the runs, grid.csv and grid.md.");
        var arch = new Option<string>("--arch") { DefaultValueFactory = _ => "early" }.OneOf("early", "late");
        var backbone = new Option<string>("--backbone") { DefaultValueFactory = _ => "convnext-demo" };
        var lrs = new Option<string>("--lr") { Description = "Comma-separated learning rates.", DefaultValueFactory = _ => "1e-3,3e-4" };
        var heads = new Option<string>("--head-width") { Description = "Comma-separated head widths.", DefaultValueFactory =
            _ => "256,2048" };
        var wds = new Option<string>("--weight-decay") { Description = "Comma-separated weight decays.", DefaultValueFactory =
            _ => "1e-5,1e-4" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => 6 }.AtLeast(1);
        var batches = new Option<int>("--batches-per-epoch") { Description = "Batches per epoch.", DefaultValueFactory =
            _ => 60 }.AtLeast(1);
        var seed = SharedOptions.Seed();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("grid", "Grid search over learning rate × head width × weight decay (paper Table 3), ranked by validation " +
            "loss.")
        {
            data, output, arch, backbone, lrs, heads, wds, epochs, batches, seed, quiet,
        };
        static double[] D(string s) => s.Split(',',
            StringSplitOptions.RemoveEmptyEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var md = Engine.Experiments.GridSearch.Run(new Engine.Experiments.GridOptions(r.GetValue(data)!, r.GetValue(output)!)
            {
                Arch = r.GetValue(arch)!, Backbone = ConvNeXtSpec.Parse(r.GetValue(backbone)!).Name, LearningRates = D(r.GetValue(lrs)!),
                HeadWidths = D(r.GetValue(heads)!).Select(x => (int)x).ToArray(), WeightDecays = D(r.GetValue(wds)!),
                Epochs = r.GetValue(epochs), BatchesPerEpoch = r.GetValue(batches), Seed = r.GetValue(seed),
            }, ctx.Progress(r.GetValue(quiet)), cancel);
            ctx.Out.WriteLine(md);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
