using static TorchSharp.torch;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// Where a network's stochastic-depth masks draw from: a generator the trainer seeds per epoch, so the masks do not
/// depend on any other user of libtorch's process-wide generator (another job, a test running meanwhile). Null: the
/// global generator.
/// </summary>
public sealed class DropPathRandom
{
    public Generator? Generator { get; set; }

    /// <summary>Draws from <paramref name="generator"/> until the result is disposed, which frees it and returns to the global
    /// generator.</summary>
    public IDisposable Use(Generator generator)
    {
        Generator = generator;
        return new Lease(this, generator);
    }

    private sealed class Lease(DropPathRandom owner, Generator generator) : IDisposable
    {
        public void Dispose()
        {
            owner.Generator = null;
            generator.Dispose();
        }
    }
}
