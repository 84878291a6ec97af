using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;

namespace MantisShrimp.Engine.Experiments;

public sealed record GridOptions(string Data, string Out)
{
    public string Arch { get; init; } = "early";
    public string Backbone { get; init; } = ConvNeXtSpec.Demo.Name;
    public double[] LearningRates { get; init; } = [1e-3, 3e-4];
    public int[] HeadWidths { get; init; } = [256, 2048];
    public double[] WeightDecays { get; init; } = [1e-5, 1e-4];
    public int Epochs { get; init; } = 6;
    public int BatchesPerEpoch { get; init; } = 60;
    public int BatchSize { get; init; } = 32;
    public ulong Seed { get; init; } = 42;
}

/// <summary>
/// A grid search in the spirit of the paper's Table 3 (learning rate × head width × weight decay; the class count
/// is fixed at 400 here — the single class grid of the engine): every combination is trained with the same seed
/// and data, and ranked by its best validation loss. Writes OUT/grid.csv and OUT/grid.md; each run resumes.
/// </summary>
public static class GridSearch
{
    public static string Run(GridOptions o, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        var results = new List<(double Lr, int Head, double Wd, int Epoch, double Loss, double Nmad)>();
        foreach (double lr in o.LearningRates)
            foreach (int head in o.HeadWidths)
                foreach (double wd in o.WeightDecays)
                {
                    string name = string.Create(CultureInfo.InvariantCulture, $"lr{lr:G3}_head{head}_wd{wd:G3}");
                    progress.Message($"== {name} ==");
                    var state = Trainer.Run(new TrainOptions
                    {
                        Data = o.Data, Out = Path.Combine(o.Out, name), Epochs = o.Epochs, BatchesPerEpoch = o.BatchesPerEpoch,
                        BatchSize = o.BatchSize, LearningRate = lr, WeightDecay = wd, Seed = o.Seed,
                        Network = new NetworkConfig { Arch = EnumSpelling<NetworkArch>.Parse(o.Arch, "--arch"), Backbone = o.Backbone,
                            HeadWidth = head },
                    }, progress, cancel);
                    var best = state.History[state.BestEpoch - 1];
                    results.Add((lr, head, wd, state.BestEpoch, best["val_loss"], best["val_nmad"]));
                }
        var ranked = results.OrderBy(r => double.IsNaN(r.Loss) ? double.MaxValue : r.Loss).ToList();
        var csv = new StringBuilder("lr,head_width,weight_decay,best_epoch,val_loss,val_nmad\n");
        var md = new StringBuilder("| rank | lr | head width | weight decay | best epoch | val loss | val NMAD " +
            "|\n|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < ranked.Count; i++)
        {
            var r = ranked[i];
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Lr},{r.Head},{r.Wd},{r.Epoch},{r.Loss:R},{r.Nmad:R}\n"));
            md.Append(string.Create(CultureInfo.InvariantCulture,
                $"| {i + 1} | {r.Lr:G3} | {r.Head} | {r.Wd:G3} | {r.Epoch} | {r.Loss:F4} | {r.Nmad:F4} |\n"));
        }
        Directory.CreateDirectory(o.Out);
        AtomicFile.WriteAllText(Path.Combine(o.Out, "grid.csv"), csv.ToString());
        AtomicFile.WriteAllText(Path.Combine(o.Out, "grid.md"), md.ToString());
        return md.ToString();
    }
}
