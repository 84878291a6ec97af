using System.Diagnostics;
using System.Globalization;
using ILGPU;
using ILGPU.Runtime;
using MantisShrimp.Kernels;
using MantisShrimp.Kernels.Input;
using MantisShrimp.Kernels.Shapley;

namespace MantisShrimp.DeviceCheck;

/// <summary>
/// The kernels on an ILGPU accelerator (CUDA when asked or present) against their CPU references: max absolute
/// error, and kernel-only throughput (device-resident buffers, after a warm-up launch) as GB/s and as a fraction of
/// the device's peak memory bandwidth (CUDA: 2 × memory clock × bus width; CPU: a memcpy measured here).
/// Prints one line per check and exits 1 when a kernel disagrees with its reference.
/// </summary>
public static class Program
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Main(string[] args)
    {
        var choice = args.Contains("--cpu") ? AcceleratorChoice.Cpu
            : args.Contains("--cuda") ? AcceleratorChoice.Cuda : AcceleratorChoice.Auto;
        int samples = args.Contains("--quick") ? 4 : 64;
        using var host = new AcceleratorHost(choice);
        var acc = host.Accelerator;
        double peak = PeakGbPerS(acc, out string peakSource);
        string memory = acc.AcceleratorType == AcceleratorType.CPU ? "host memory" : $"{acc.MemorySize / 1e9:F1} GB";
        Console.WriteLine($"accelerator: {acc.Name} ({acc.AcceleratorType}), {memory}, peak {peakSource}");
        bool ok = true;
        ok &= Report("fused_input", FusedInput(host, samples), peak, 1e-4);
        ok &= Report("baseline", MaskedImages(host, samples), peak, 1e-5);
        ok &= Report("composite", Composite(host, samples * 8), peak, 0);
        Console.WriteLine(ok ? "kernels: all match their CPU references" : "kernels: MISMATCH (see above)");
        return ok ? 0 : 1;
    }

    private sealed record Result(double MaxError, double Seconds, double Bytes);

    private static bool Report(string name, Result r, double peak, double tolerance)
    {
        double gbs = r.Bytes / r.Seconds / 1e9;
        bool ok = r.MaxError <= tolerance;
        Console.WriteLine(string.Create(Inv,
            $"{name}: max_abs_error {r.MaxError:G3} (tolerance {tolerance:G2}) {(ok ? "ok" : "FAIL")}; "
            + $"{r.Seconds * 1e3:F3} ms per launch, {gbs:F2} GB/s, {gbs / peak:P1} of peak"));
        return ok;
    }

    /// <summary>The early-fusion geometry: GALEX 2 × 32², PS1 5 × 170², unWISE 2 × 32² → 9 × 120² (crop, resize).</summary>
    private static InputLayout Layout(int samples)
    {
        var uv = new IntensityTransform(IntensityTransformKind.LinearClip, 0.05f, 1f);
        var ps1 = new IntensityTransform(IntensityTransformKind.AsinhStretch, 0.08f, 8f);
        var ir = new IntensityTransform(IntensityTransformKind.AsinhStretch, 0.6f, 6f);
        var specs = new List<ChannelSpec>();
        int offset = 0;
        foreach (var (n, crop, t, count) in new[] { (32, 22, uv, 2), (170, 120, ps1, 5), (32, 22, ir, 2) })
            for (int i = 0; i < count; i++, offset += n * n) specs.Add(new ChannelSpec(0, offset, n, crop, 120, t));
        return InputLayout.Create(specs, offset, samples);
    }

    private static Result FusedInput(AcceleratorHost host, int samples)
    {
        var layout = Layout(samples);
        var raw = Random(samples * layout.RawSampleStride, 1, -5, 45);
        var rng = new Random(2);
        var augment = Enumerable.Range(0, samples).Select(_ =>
        {
            double angle = rng.NextDouble() * 2 * Math.PI;
            return new SampleAugment((float)Math.Cos(angle), (float)Math.Sin(angle), rng.Next(2) == 1, rng.Next(2) == 1);
        }).ToArray();
        var expected = new float[layout.OutputLength];
        InputReference.Run(layout, raw, samples, augment, expected);
        var actual = new float[layout.OutputLength];
        FusedInputKernel.Run(host, layout, raw, samples, augment, actual);

        var acc = host.Accelerator;
        using var rawBuf = acc.Allocate1D(raw);
        using var augBuf = acc.Allocate1D(augment);
        using var chBuf = acc.Allocate1D(layout.Channels);
        using var startBuf = acc.Allocate1D(layout.TapStart);
        using var countBuf = acc.Allocate1D(layout.TapCount);
        using var weightBuf = acc.Allocate1D(layout.TapWeights);
        using var outBuf = acc.Allocate1D<float>(layout.OutputLength);
        var a = FusedInputKernel.Args(layout, samples, rawBuf.View, augBuf.View, chBuf.View, startBuf.View, countBuf.View, weightBuf.View,
            outBuf.View);
        double seconds = Time(acc, () => FusedInputKernel.Launch(host, a));
        return new Result(MaxError(expected, actual), seconds, 4.0 * (raw.Length + layout.OutputLength));
    }

    private static Result MaskedImages(AcceleratorHost host, int samples)
    {
        int[] sizes = [32, 32, 170, 170, 170, 170, 170, 32, 32];
        var start = new int[sizes.Length + 1];
        for (int b = 0; b < sizes.Length; b++) start[b + 1] = start[b] + sizes[b] * sizes[b];
        int stride = start[^1];
        var raw = Random(samples * stride, 3, -2, 8);
        var masks = Enumerable.Range(0, samples * sizes.Length).Select(i =>
        {
            float c = sizes[i % sizes.Length] / 2f;
            return new BandMask
            {
                X = c, Y = c, Cxx = 4 / (c * c), Cyy = 4 / (c * c), Cxy = 0, Back = 0.1f, Rms = 0.5f, Seed = (ulong)i + 1,
            };
        }).ToArray();
        var expected = new float[raw.Length];
        MaskedImageKernel.Run(raw, expected, masks, start, sizes, samples);
        var actual = new float[raw.Length];
        MaskedImageKernel.Run(host, raw, actual, masks, start, sizes, samples);

        var acc = host.Accelerator;
        using var rawBuf = acc.Allocate1D(raw);
        using var outBuf = acc.Allocate1D<float>(raw.Length);
        using var maskBuf = acc.Allocate1D(masks);
        using var startBuf = acc.Allocate1D(start);
        using var sizeBuf = acc.Allocate1D(sizes);
        var a = new MaskedImageArgs
        {
            Raw = rawBuf.View, Output = outBuf.View, Masks = maskBuf.View, PlaneStart = startBuf.View, PlaneSize = sizeBuf.View,
            Bands = sizes.Length, SampleStride = stride, Samples = samples,
        };
        double seconds = Time(acc, () => MaskedImageKernel.Launch(host, a));
        return new Result(MaxError(expected, actual), seconds, 8.0 * raw.Length);
    }

    private static Result Composite(AcceleratorHost host, int composites)
    {
        const int galaxies = 4, channels = 9, pixels = 120 * 120;
        var x = Random(galaxies * channels * pixels, 4, -1, 1);
        var b = Random(galaxies * channels * pixels, 5, -1, 1);
        var rng = new Random(6);
        var subsets = Enumerable.Range(0, composites).Select(_ => rng.Next(512)).ToArray();
        var galaxyOf = Enumerable.Range(0, composites).Select(k => k % galaxies).ToArray();
        var expected = new float[composites * channels * pixels];
        CompositeKernel.Run(x, b, subsets, galaxyOf, expected, channels, pixels, bandOffset: 0);
        var actual = new float[expected.Length];
        CompositeKernel.Run(host, x, b, subsets, galaxyOf, actual, channels, pixels, bandOffset: 0);

        var acc = host.Accelerator;
        using var xBuf = acc.Allocate1D(x);
        using var bBuf = acc.Allocate1D(b);
        using var sBuf = acc.Allocate1D(subsets);
        using var gBuf = acc.Allocate1D(galaxyOf);
        using var outBuf = acc.Allocate1D<float>(expected.Length);
        var a = new CompositeArgs
        {
            X = xBuf.View, B = bBuf.View, Subsets = sBuf.View, GalaxyOf = gBuf.View, Output = outBuf.View,
            Channels = channels, ChannelPixels = pixels, BandOffset = 0, Composites = composites,
        };
        double seconds = Time(acc, () => CompositeKernel.Launch(host, a));
        return new Result(MaxError(expected, actual), seconds, 8.0 * expected.Length);
    }

    /// <summary>Best of 5 launches after one warm-up (compilation and first-touch excluded).</summary>
    private static double Time(Accelerator acc, Action launch)
    {
        launch();
        acc.Synchronize();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            launch();
            acc.Synchronize();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>CUDA: 2 × memory clock (kHz) × bus width (bits) / 8 from ILGPU's device info; CPU: a 256 MB memcpy here.</summary>
    private static double PeakGbPerS(Accelerator acc, out string source)
    {
        var device = acc.Device;
        var clock = device.GetType().GetProperty("MemoryClockRate")?.GetValue(device);
        var bus = device.GetType().GetProperty("MemoryBusWidth")?.GetValue(device);
        if (clock is not null && bus is not null && Convert.ToDouble(clock, Inv) > 0)
        {
            double gbs = 2 * Convert.ToDouble(clock, Inv) * 1e3 * Convert.ToDouble(bus, Inv) / 8 / 1e9;
            source = string.Create(Inv, $"{gbs:F0} GB/s (memory clock {clock} kHz × {bus}-bit bus × 2)");
            return gbs;
        }
        var from = new byte[256 << 20];
        var to = new byte[from.Length];
        from.AsSpan().Fill(1);
        to.AsSpan().Clear();
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var clock2 = Stopwatch.StartNew();
            from.AsSpan().CopyTo(to);
            best = Math.Min(best, clock2.Elapsed.TotalSeconds);
        }
        double measured = 2.0 * from.Length / best / 1e9; // read + write
        source = string.Create(Inv, $"{measured:F1} GB/s (one-thread memcpy measured here, read + write; not a device figure)");
        return measured;
    }

    private static float[] Random(int n, int seed, float lo, float hi)
    {
        var r = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = lo + (float)r.NextDouble() * (hi - lo);
        return v;
    }

    private static double MaxError(float[] expected, float[] actual)
    {
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]) && float.IsNaN(actual[i])) continue;
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            if (float.IsNaN(actual[i]) != float.IsNaN(expected[i])) return double.PositiveInfinity;
        }
        return max;
    }
}
