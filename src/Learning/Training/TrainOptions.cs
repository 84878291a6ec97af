using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Distributed;
using MantisShrimp.Engine.Models;

namespace MantisShrimp.Engine.Training;

public sealed record TrainOptions
{
    public required string Data { get; init; }
    public required string Out { get; init; }
    public NetworkConfig Network { get; init; } = new();
    public int Epochs { get; init; } = 10;
    /// <summary>Fixed batches per epoch (paper: 1000 batches of 16).</summary>
    public int BatchesPerEpoch { get; init; } = 1000;
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 2e-4;
    /// <summary>L2 penalty as TorchSharp's NAdam applies it (added to the gradient, not decoupled): keep it small.</summary>
    public double WeightDecay { get; init; } = 1e-5;
    public ulong Seed { get; init; }
    public string Device { get; init; } = "auto";
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>libtorch intra-op threads (0: libtorch's default). Results depend on the count: pin it to reproduce a run on another
    /// machine (<see cref="TorchDevice.WithThreads"/>).</summary>
    public int Threads { get; init; }
    /// <summary>
    /// Data-parallel over the MPI ranks of this job (<c>mpiexec -n N mantis train … --distributed</c>): each rank
    /// takes its own slice of every global batch of BatchSize × N, gradients are averaged with bucketed Allreduce,
    /// rank 0 validates, writes checkpoints and logs. Same effective batch and sample order as one process with
    /// batch BatchSize × N.
    /// </summary>
    public bool Distributed { get; init; }
    /// <summary>ReduceLROnPlateau on the validation loss (paper: ×0.5 after 6 epochs without improvement).</summary>
    public int Patience { get; init; } = 6;
    public double Factor { get; init; } = 0.5;
    /// <summary>
    /// A PyTorch state dict to start from (<see cref="PyTorchWeights"/>): this network's layout, or a timm ConvNeXt
    /// (e.g. ImageNet-pretrained, as the paper started) whose stem is adapted to the bands. Used when the run starts, not on resume.
    /// </summary>
    public string? InitWeights { get; init; }

    /// <summary>The starting weights of a run from scratch (the parts <see cref="InitWeights"/> does not fill).</summary>
    public WeightInit Init { get; init; } = WeightInit.Torch;
    /// <summary>Late fusion: the encoder a timm backbone in <see cref="InitWeights"/> goes into (galex, ps1, unwise; default
    /// ps1).</summary>
    public string? InitEncoder { get; init; }

    internal TrainOptionsRecord Record => new(Path.GetFullPath(Data), BatchesPerEpoch, BatchSize, LearningRate, WeightDecay, Seed, Epochs,
        Distributed ? MpiSession.Current.Size : 1, InitWeights is null ? null : PyTorchWeights.Origin(InitWeights, InitEncoder));
}
