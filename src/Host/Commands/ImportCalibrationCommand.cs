using System.CommandLine;
using MantisShrimp.Engine.Calibration;

namespace MantisShrimp.Host.Commands;

/// <summary><c>mantis import-calibration</c>: the published CalPIT model (calpit_checkpoint.pt + calpit_{mean,std}.npy) as a --calibration
/// folder.</summary>
internal static class ImportCalibrationCommand
{
    public static Command Create(CommandContext ctx)
    {
        var checkpoint = new Option<string>("--checkpoint") {
            Description = "calpit_checkpoint.pt: torch.save of CalPIT's MonotonicNN(84, [1024]*4, sigmoid=True) state dict.",
            Required = true,
        };
        var mean = new Option<string>("--mean") { Description = "calpit_mean.npy: the 83 features' means.", Required = true };
        var std = new Option<string>("--std") { Description = "calpit_std.npy: the 83 features' standard deviations.", Required = true };
        var stdFromMean = new Option<bool>("--std-from-mean")
        {
            Description = "Divide by the mean file instead of the std file, as the published pipeline.get_feature_vector does "
                + "(its std_path names calpit_mean.npy).",
        };
        var output = SharedOptions.Out("Calibration folder to write (for --calibration).");
        var cmd = new Command("import-calibration",
            "Import the published Mantis Shrimp CalPIT model as a calibration folder for predict, score and serve.")
        {
            checkpoint, mean, std, stdFromMean, output,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            bool published = r.GetValue(stdFromMean);
            if (published)
                ctx.Error.WriteLine("warning: --std-from-mean: features are divided by calpit_mean.npy, as the published pipeline.py does "
                    + "(std_path = ...calpit_mean.npy); the fitting notebook divided by the standard deviation");
            using var calibration = PublishedCalPit.Import(r.GetValue(checkpoint)!, r.GetValue(mean)!, r.GetValue(std)!, published,
                r.GetValue(output)!);
            var m = calibration.Manifest;
            ctx.Out.WriteLine($"MonotonicNN({Engine.Calibration.CalibrationFeatures.Count + 1}, [{string.Join(", ", m.Hidden)}], sigmoid) "
                + $"with {m.Steps} Clenshaw–Curtis steps, features ((f − mean)/{(published ? "mean" : "std")})/{m.FeatureDivisor}"
                + $" → {r.GetValue(output)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
