using MantisShrimp.Engine.Common;
using TorchSharp;

namespace MantisShrimp.Engine.Compute;

/// <summary>
/// Chooses the libtorch device at run time (<c>--device auto|cpu|cuda</c>). This build links the CPU
/// libtorch (TorchSharp-cpu); on a CUDA machine swapping in the libtorch CUDA package is the only change,
/// and <c>auto</c> then picks CUDA.
/// </summary>
public static class TorchDevice
{
    public static readonly string[] Choices = ["auto", "cpu", "cuda"];

    public static torch.Device Resolve(string choice)
    {
        switch (choice.ToLowerInvariant())
        {
            case "auto":
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
            case "cpu":
                return torch.CPU;
            case "cuda":
                if (!torch.cuda.is_available())
                    throw new UserInputException("--device cuda: libtorch reports no CUDA device (this build uses the CPU libtorch " +
                        "package; see README, 'CUDA').");
                return torch.CUDA;
            default:
                throw new UserInputException($"--device must be one of {string.Join(", ", Choices)} (got '{choice}')");
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with <paramref name="threads"/> libtorch intra-op threads (0: leave them) and restores
    /// the previous count. Results depend on the thread count (reductions are split differently), not on load: a run
    /// that must be reproduced or resumed on a machine with another core count pins it (docs/architecture.md,
    /// Reproducibility).
    /// </summary>
    public static T WithThreads<T>(int threads, Func<T> body)
    {
        if (threads <= 0) return body();
        int previous = torch.get_num_threads();
        torch.set_num_threads(threads);
        try { return body(); }
        finally { torch.set_num_threads(previous); }
    }

    /// <summary>A one-line description of the libtorch runtime, for <c>mantis info</c>.</summary>
    public static string Describe() =>
        $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch threads {torch.get_num_threads()} (OpenMP wait policy " +
            $"{OpenMpWaitPolicy.InForce()}), CUDA available: " +
            $"{torch.cuda.is_available()}";
}
