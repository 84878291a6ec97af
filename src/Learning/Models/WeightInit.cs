namespace MantisShrimp.Engine.Models;

/// <summary>
/// How a network trained from scratch starts. <see cref="Torch"/>: libtorch's constructor defaults (kaiming-uniform) drawn from
/// the global generator seeded by the run's seed. <see cref="Timm"/>: timm's <c>_init_weights</c> drawn from SplitMix64 streams
/// of the seed (<see cref="TimmInitialisation"/>). Torch is the default because the small demo network leaves its starting
/// plateau later from timm's scheme, in plain PyTorch as in the engine (docs/weights.md, "Initialisation": measured on the demo shards).
/// </summary>
public enum WeightInit
{
    Torch,
    Timm,
}
