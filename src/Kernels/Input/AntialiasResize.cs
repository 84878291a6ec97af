namespace MantisShrimp.Kernels.Input;

/// <summary>
/// Resampling weights of an antialiased bilinear resize with align_corners = false — the semantics of
/// torchvision's <c>Resize(antialias=True)</c> / libtorch's <c>interpolate(mode="bilinear", antialias=True)</c>:
/// a triangle filter whose support widens by the scale when shrinking, truncated at the edges and renormalised.
/// Resizes are separable: the same table serves rows and columns of a square image.
/// </summary>
public sealed class AntialiasResize
{
    /// <summary>Taps stored per output index (enough for shrinking by up to 3×).</summary>
    public const int MaxTaps = 8;

    private AntialiasResize(int inputSize, int outputSize, int[] start, int[] count, float[] weights)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Start = start;
        Count = count;
        Weights = weights;
    }

    public int InputSize { get; }
    public int OutputSize { get; }
    /// <summary>First input index of each output index.</summary>
    public int[] Start { get; }
    /// <summary>Number of taps of each output index.</summary>
    public int[] Count { get; }
    /// <summary>Weights, <see cref="MaxTaps"/> per output index (unused slots zero).</summary>
    public float[] Weights { get; }

    public static AntialiasResize Create(int inputSize, int outputSize)
    {
        if (inputSize < 1 || outputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), "Sizes must be positive.");
        double scale = (double)inputSize / outputSize;
        double support = scale >= 1.0 ? scale : 1.0;
        double invScale = scale >= 1.0 ? 1.0 / scale : 1.0;
        var start = new int[outputSize];
        var count = new int[outputSize];
        var weights = new float[outputSize * MaxTaps];
        Span<double> w = stackalloc double[MaxTaps];
        for (int i = 0; i < outputSize; i++)
        {
            double centre = scale * (i + 0.5);
            int xmin = Math.Max((int)(centre - support + 0.5), 0);
            int xsize = Math.Min((int)(centre + support + 0.5), inputSize) - xmin;
            if (xsize > MaxTaps)
                throw new ArgumentException($"Resizing {inputSize}→{outputSize} needs {xsize} taps; at most {MaxTaps} are supported.");
            double total = 0;
            for (int j = 0; j < xsize; j++)
            {
                double x = Math.Abs((j + xmin - centre + 0.5) * invScale);
                w[j] = x < 1.0 ? 1.0 - x : 0.0;
                total += w[j];
            }
            for (int j = 0; j < xsize; j++)
                weights[i * MaxTaps + j] = (float)(total != 0 ? w[j] / total : 0);
            start[i] = xmin;
            count[i] = xsize;
        }
        return new AntialiasResize(inputSize, outputSize, start, count, weights);
    }
}
