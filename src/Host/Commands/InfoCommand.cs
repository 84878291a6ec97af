using System.CommandLine;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Kernels;
using TorchSharp;

namespace MantisShrimp.Host.Commands;

internal static class InfoCommand
{
    public static Command Create(CommandContext ctx)
    {
        var device = SharedOptions.Device();
        var cmd = new Command("info", "Show the runtime: libtorch (and whether it loads and trains here), the chosen device, ILGPU " +
            "accelerators.") { device };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            ctx.Out.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} logical cores, {Environment.OSVersion}");
            ctx.Out.WriteLine(TorchDevice.Describe());
            var dev = TorchDevice.Resolve(r.GetValue(device)!);
            ctx.Out.WriteLine($"torch device: {dev}");
            // One optimiser step proves the native library loads and autograd works here.
            using (torch.NewDisposeScope())
            {
                var layer = torch.nn.Linear(4, 1).to(dev);
                var opt = torch.optim.AdamW(layer.parameters(), 1e-2);
                var loss = layer.forward(torch.ones(8, 4, device: dev)).pow(2).mean();
                loss.backward();
                opt.step();
                ctx.Out.WriteLine($"libtorch training step: ok (loss {loss.item<float>():G4})");
            }
            using var host = new AcceleratorHost();
            ctx.Out.WriteLine($"ILGPU accelerator: {host.Accelerator.Name} ({host.Accelerator.AcceleratorType}), grid-stride threads " +
                $"{host.GridStrideThreads(long.MaxValue)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
