namespace MantisShrimp.Engine.Training;

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c> in mode min with its defaults (relative threshold 1e-4, no cooldown, no minimum
/// learning rate): once the monitored loss has failed to beat the best so far by the threshold for more than
/// <see cref="Patience"/> epochs, the learning rate is multiplied by <see cref="Factor"/>. The best loss and the count of
/// bad epochs are passed in and returned, not held, because they live in the checkpoint (a resumed run continues them).
/// </summary>
public readonly record struct ReduceLrOnPlateau(int Patience, double Factor)
{
    /// <summary>PyTorch's default relative improvement threshold.</summary>
    public const double RelativeThreshold = 1e-4;

    /// <summary>The learning rate, best loss and bad-epoch count after an epoch whose monitored loss is <paramref name="loss"/>.</summary>
    public (double LearningRate, double Best, int BadEpochs) Step(double loss, double learningRate, double best, int badEpochs)
    {
        if (loss < best * (1 - RelativeThreshold)) return (learningRate, loss, 0);
        return ++badEpochs > Patience ? (learningRate * Factor, best, 0) : (learningRate, best, badEpochs);
    }
}
