using BenchmarkDotNet.Attributes;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Dust;
using MantisShrimp.Engine.Simulation;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Bench;

/// <summary>
/// The mock universe, one galaxy per operation on one thread (so 1 / mean = galaxies per second per core):
/// properties and photometry only; plus images; plus FITS output (the simulate path); plus the in-memory sample
/// the direct path hands to ingest.
/// </summary>
[MemoryDiagnoser]
[InProcess] // in this process: the generated project would load an unpatched libtorch, and its failures went unnoticed
public class SimulationBenchmarks
{
    private DustMaps _dust = null!;
    private string _dir = "";
    private int _k;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mantis-simbench-" + Guid.NewGuid().ToString("N")[..8]);
        _dust = DustSky.WriteMaps(Path.Combine(_dir, "dust"), 64);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    private int Next() => Interlocked.Increment(ref _k) % 1000;

    [Benchmark(Baseline = true)]
    public object CatalogOnly() => MockUniverse.Generate(Next(), 1, _dust, PopulationMix.Default, Cosmology.Default, withImages: false);

    [Benchmark]
    public object WithImages() => MockUniverse.Generate(Next(), 1, _dust, PopulationMix.Default, Cosmology.Default);

    [Benchmark]
    public void WithFitsOutput()
    {
        var g = MockUniverse.Generate(Next(), 1, _dust, PopulationMix.Default, Cosmology.Default);
        ServiceCutoutWriter.Write(Path.Combine(_dir, "cutouts"), g.Id, g.Ra, g.Dec, g.Planes!, g.Ps1ExposureSeconds,
            BandTable.All.Select(b => b.PsfFwhmArcsec).ToArray());
    }

    [Benchmark]
    public object DirectSample()
    {
        var g = MockUniverse.Generate(Next(), 1, _dust, PopulationMix.Default, Cosmology.Default);
        try
        {
            return CutoutLoader.FromPlanes(g.Planes!, g.Ps1ExposureSeconds);
        }
        catch (SampleRejectedException)
        {
            return g; // rejected by the NaN rule: the work was done all the same
        }
    }
}
