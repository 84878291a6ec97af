namespace MantisShrimp.Engine.Models;

/// <summary>Training progress stored with the weights: enough to continue a run exactly.</summary>
public sealed record TrainingState
{
    public required NetworkConfig Network { get; init; }
    public required TrainOptionsRecord Options { get; init; }
    /// <summary>Epochs completed.</summary>
    public int Epoch { get; init; }
    public double LearningRate { get; init; }
    public double BestValidationLoss { get; init; } = double.PositiveInfinity;
    public int BestEpoch { get; init; }
    /// <summary>ReduceLROnPlateau: epochs without improvement of the validation loss.</summary>
    public int BadEpochs { get; init; }
    public double PlateauBest { get; init; } = double.PositiveInfinity;
    public List<Dictionary<string, double>> History { get; init; } = [];
}
