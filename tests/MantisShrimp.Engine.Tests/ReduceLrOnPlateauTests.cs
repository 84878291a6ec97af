using MantisShrimp.Engine.Training;

namespace MantisShrimp.Engine.Tests;

public class ReduceLrOnPlateauTests
{
    // The expected rates are torch 1.13's: ReduceLROnPlateau(SGD(lr=1), mode='min', factor=0.5, patience=2,
    // threshold=1e-4, threshold_mode='rel') stepped with these losses, printing param_groups[0]['lr'] after each step.
    // 0.89995 after a best of 0.9 is inside the relative threshold, so it counts as a bad epoch.
    private static readonly double[] Losses = [1.0, 0.9, 0.95, 0.90, 0.89995, 0.92, 0.85, 0.86, 0.87, 0.88, 0.88, 0.84, 0.9, 0.9, 0.9];
    private static readonly double[] TorchRates = [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.125];

    [Fact]
    public void Learning_rates_follow_PyTorch_ReduceLROnPlateau()
    {
        var scheduler = new ReduceLrOnPlateau(Patience: 2, Factor: 0.5);
        double lr = 1, best = double.PositiveInfinity;
        int bad = 0;
        var rates = new List<double>();
        foreach (double loss in Losses)
        {
            (lr, best, bad) = scheduler.Step(loss, lr, best, bad);
            rates.Add(lr);
        }
        Assert.Equal(TorchRates, rates);
    }
}
