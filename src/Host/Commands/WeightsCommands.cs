using System.CommandLine;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Host.Commands;

/// <summary><c>mantis import-weights</c>: a PyTorch state dict → a checkpoint the other commands take.</summary>
internal static class ImportWeightsCommand
{
    public static Command Create(CommandContext ctx)
    {
        var weights = new Option<string>("--weights") { Description =
            "PyTorch state dict: .pth/.pt/.bin (torch.save of a state_dict) or .safetensors; this network's layout or a timm ConvNeXt.",
            Required = true };
        var network = new NetworkOptions();
        var encoder = new Option<string?>("--encoder")
        {
            Description = $"Late fusion: the encoder a timm backbone goes into ({BandTable.EncoderKeys}; default " +
                $"{BandTable.PanStarrs.EncoderKey}).",
        };
        var seed = SharedOptions.Seed();
        var layout = new Option<string>("--layout")
        {
            Description = "auto (told apart by the keys), engine (ours or a timm ConvNeXt), mantis-shrimp-early (the published " +
                "best_early.pt: Base.…, fc0, fc1).",
            DefaultValueFactory = _ => "auto",
        };
        layout.OneOf(PublishedWeights.Layouts);
        var output = SharedOptions.Out("Checkpoint to write (for score, predict, serve, shapley, calibrate).");
        var cmd = new Command("import-weights",
            "Build a network from a PyTorch state dict (ours, a timm ConvNeXt with its stem adapted to the bands, "
            + "or the published Mantis Shrimp model) and save it as a checkpoint.")
        {
            weights, layout, encoder, seed, output,
        };
        int at = 1;
        foreach (var o in network.All) cmd.Options.Insert(at++, o);
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            var import = Import(r.GetValue(layout)!, r.GetValue(weights)!, () => network.Config(r), r.GetValue(encoder), r.GetValue(seed),
                r.GetValue(output)!);
            ctx.Out.WriteLine($"{import.Layout}: {import.Copied} tensors copied");
            foreach (var a in import.Adapted) ctx.Out.WriteLine($"  adapted {a}");
            if (import.Ignored.Count > 0) ctx.Out.WriteLine($"  not used from the file: {string.Join(", ", import.Ignored)}");
            if (import.KeptInitial.Count > 0) ctx.Out.WriteLine($"  kept their seeded initialisation: {string.Join(", " +
                "", import.KeptInitial)}");
            ctx.Out.WriteLine($"→ {r.GetValue(output)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>The published layout when asked for or (auto) recognised from the keys; otherwise ours / timm's.</summary>
    private static WeightImport Import(string layout, string weights, Func<NetworkConfig> config, string? encoder, ulong seed,
        string output)
    {
        if (layout != "engine")
        {
            var source = PyTorchWeights.Read(weights);
            try
            {
                if (layout == PublishedWeights.Layout || PublishedWeights.Recognises(source))
                {
                    if (!PublishedWeights.Recognises(source))
                        throw new Engine.Common.UserInputException($"{weights}: not the published layout (needs Base.stem.0.weight, " +
                            $"fc0.weight, fc1.weight)");
                    return PublishedWeights.ToCheckpoint(source, weights, output);
                }
            }
            finally
            {
                foreach (var t in source.Values) t.Dispose();
            }
        }
        return PyTorchWeights.ToCheckpoint(config(), weights, encoder, seed, output);
    }
}

/// <summary><c>mantis export-weights</c>: a checkpoint's network as a PyTorch state dict (our module names).</summary>
internal static class ExportWeightsCommand
{
    public static Command Create(CommandContext ctx)
    {
        var model = SharedOptions.Model("Checkpoint.");
        var output = SharedOptions.Out("State dict to write: .pth (a torch.load-able pickle) or .safetensors.");
        var cmd = new Command("export-weights", "Write a checkpoint's network as a PyTorch state dict (.pth or .safetensors), module " +
            "names as in PhotoZNetwork (timm's inside each ConvNeXt).")
        {
            model, output,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            var (state, net) = Checkpoint.Load(r.GetValue(model)!);
            using (net)
                PyTorchWeights.Write(net, r.GetValue(output)!);
            ctx.Out.WriteLine($"{state.Network.Arch.Spelling()} fusion, {state.Network.Backbone}, bands " +
                $"{state.Network.Bands.Spelling()} → {r.GetValue(output)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
