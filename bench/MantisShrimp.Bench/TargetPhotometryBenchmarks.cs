using BenchmarkDotNet.Attributes;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sources;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Bench;

/// <summary>
/// The target measurement of the sep port as forced photo-z calls it, on the demo data, one galaxy per operation
/// (cycling over 64): the PS1 r cutouts as files hold them (demo/data/cutouts/*.r.fits, 170²), the r-band S/N of a
/// raw sample (<c>predict --positions</c> without calibration), and all 9 bands of a sample (with calibration).
/// Samples come from the demo shards (demo/shards). MANTIS_DEMO names the demo folder (default: the first demo/
/// with data/cutouts above the working directory, else /work/main/demo). sep's time on the same r cutouts:
/// bench/sep_target_time.py.
/// </summary>
[MemoryDiagnoser]
public class TargetPhotometryBenchmarks
{
    private const int Galaxies = 64;
    private readonly List<float[]> _rCutouts = [];
    private readonly List<float[]> _samples = [];
    private int _k;

    [GlobalSetup]
    public void Setup()
    {
        string demo = DemoFolder();
        var files = Directory.GetFiles(Path.Combine(demo, "data", "cutouts"), "*.r.fits").Order(StringComparer.Ordinal).Take(Galaxies);
        foreach (var file in files)
        {
            var image = FitsFile.ReadFirstImage(file);
            if (image.Width != BandTable.PanStarrs.NativeSize || image.Height != BandTable.PanStarrs.NativeSize)
                throw new InvalidDataException(
                    $"{file}: {image.Width}×{image.Height}, not a {BandTable.PanStarrs.NativeSize}² PS1 cutout");
            _rCutouts.Add(image.Data.AsSpan(0, image.Width * image.Height).ToArray());
        }
        using var set = ShardSet.Open(Path.Combine(demo, "shards"));
        foreach (var shard in set.ForSplit("test"))
            for (int slot = 0; slot < shard.Count && _samples.Count < Galaxies; slot++) _samples.Add(shard.Pixels(slot).ToArray());
        if (_rCutouts.Count < Galaxies || _samples.Count < Galaxies)
            throw new InvalidDataException(
                $"{demo}: {_rCutouts.Count} r cutouts and {_samples.Count} test samples, {Galaxies} of each needed");
    }

    private static string DemoFolder()
    {
        if (Environment.GetEnvironmentVariable("MANTIS_DEMO") is { Length: > 0 } given) return given;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "demo", "data", "cutouts"))) return Path.Combine(dir.FullName, "demo");
        return "/work/main/demo";
    }

    /// <summary>The paper's target rule on one PS1 r cutout file's pixels (what sep_target_time.py times for sep).</summary>
    [Benchmark(Baseline = true)]
    public object MeasureRCutout() => TargetPhotometry.Measure(Band.r, _rCutouts[_k++ & (Galaxies - 1)]);

    /// <summary>What <c>predict --positions</c> computes per position without calibration.</summary>
    [Benchmark]
    public double SignalToNoiseR() => TargetPhotometry.SignalToNoise(_samples[_k++ & (Galaxies - 1)], Band.r);

    /// <summary>All 9 bands of a sample (calibration features, Shapley masked images, photometry tables).</summary>
    [Benchmark]
    public object MeasureSample() => TargetPhotometry.MeasureSample(_samples[_k++ & (Galaxies - 1)]);
}
