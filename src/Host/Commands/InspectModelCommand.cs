using System.CommandLine;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;

namespace MantisShrimp.Host.Commands;

/// <summary><c>mantis inspect-model CKPT</c>: the model card a checkpoint carries (what every command applies).</summary>
internal static class InspectModelCommand
{
    public static Command Create(CommandContext ctx)
    {
        var model = new Argument<string>("checkpoint") { Description = "Checkpoint (train, import-weights)." };
        var cmd = new Command("inspect-model",
            "Print a checkpoint's model card: channel order, class centres, NaN treatment, transforms, crops, resampling, E(B−V) inputs.")
        {
            model,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            string path = r.GetValue(model)!;
            if (!File.Exists(path)) throw new Engine.Common.UserInputException($"Checkpoint not found: {path}");
            var state = Checkpoint.ReadState(path);
            ctx.Out.Write(ModelCard.Of(state.Network).Describe(state.Network));
            if (state.Options.InitWeights is { } origin) ctx.Out.WriteLine($"weights from   {origin}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
