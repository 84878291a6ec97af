using BenchmarkDotNet.Attributes;
using MantisShrimp.Engine.Dust;
using MantisShrimp.Engine.Simulation;
using MantisShrimp.Engine.Sources;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Bench;

/// <summary>
/// Source extraction of one PS1 r cutout per operation (170², a mock galaxy, cycling over 64): the background alone,
/// and the paper's whole target rule (background, detection, deblending, cleaning, moments, Kron photometry of the
/// target). sep's time on the same pixels is reported by the conformance test (SepConformanceTests).
/// </summary>
[MemoryDiagnoser]
public class SourceBenchmarks
{
    private readonly List<float[]> _cutouts = [];
    private int _k;

    [GlobalSetup]
    public void Setup()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mantis-srcbench-" + Guid.NewGuid().ToString("N")[..8]);
        DustMaps dust = DustSky.WriteMaps(Path.Combine(dir, "dust"), 64);
        for (int k = 0; k < 64; k++)
        {
            var g = MockUniverse.Generate(k, 1, dust, PopulationMix.Default, Cosmology.Default);
            _cutouts.Add(g.Planes![BandTable.Get(Band.r).Channel]);
        }
        Directory.Delete(dir, true);
    }

    private float[] Next() => _cutouts[_k++ & 63];

    [Benchmark(Baseline = true)]
    public object BackgroundOnly() => Background.Measure(Next(), 170, 170);

    [Benchmark]
    public object TargetRule() => TargetPhotometry.Measure(Band.r, Next());
}
