using System.CommandLine;
using System.Globalization;
using MantisShrimp.Engine.Calibration;
using MantisShrimp.Engine.Inference;

namespace MantisShrimp.Host.Commands;

internal static class CalibrateCommand
{
    public static Command Create(CommandContext ctx)
    {
        var model = SharedOptions.Model("Checkpoint whose PDFs are calibrated.");
        var data = SharedOptions.Data("Shard set.");
        var split = SharedOptions.Split("Split to fit on (paper: val).", "val");
        var output = SharedOptions.Out("Calibration folder: calibration.json, calibrator.bin, history.csv.");
        var hidden = new Option<int>("--hidden") { Description = "Hidden width of the monotonic network (paper: 1024).",
            DefaultValueFactory = _ => 128 }.AtLeast(1);
        var depth = new Option<int>("--depth") { Description = "Hidden layers (paper: 4).", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var link = new Option<string>("--link") { Description = "Output link: normalised (r̂(0)=0, r̂(1)=1), sigmoid or clip.",
            DefaultValueFactory = _ => "normalised" }
            .OneOf("normalised", "sigmoid", "clip");
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs per stage (early stopping on a held-out fifth).",
            DefaultValueFactory = _ => 60 }.AtLeast(1);
        var seed = SharedOptions.Seed();
        var device = SharedOptions.Device();
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("calibrate", "Fit CalPIT (a monotonic network of PIT given photometric features) on the validation " +
            "split's PDFs; use it with score --calibration.")
        {
            model, data, split, output, hidden, depth, link, epochs, seed, device, quiet,
        };
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var options = new CalibrateOptions(r.GetValue(model)!, r.GetValue(data)!, r.GetValue(output)!)
            {
                Split = r.GetValue(split)!, Device = r.GetValue(device)!,
                Fit = new CalPitOptions
                {
                    Network = new MonotonicNetworkConfig { Hidden = r.GetValue(hidden), Depth = r.GetValue(depth), Link =
                        r.GetValue(link)! },
                    MaxEpochs = r.GetValue(epochs), Seed = r.GetValue(seed),
                },
            };
            using var calibration = CalibrationRunner.Run(options, ctx.Progress(r.GetValue(quiet)), cancel);
            var m = calibration.Manifest;
            string Loss(string stage) =>
                m.SelectionLoss.TryGetValue(stage, out var v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"calibrated on {m.Galaxies} galaxies; stage {m.Stage} (selection BCE: identity {Loss(CalPit.Identity)}, "
                + $"global {Loss(CalPit.Global)}, local {Loss(CalPit.Local)} on {m.SelectionGalaxies} galaxies); "
                + $"best epoch {m.BestEpoch} (held-out BCE {m.BestHoldOutLoss:F4}) → {options.Out}"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
