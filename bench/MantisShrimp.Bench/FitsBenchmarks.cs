using BenchmarkDotNet.Attributes;
using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Bench;

/// <summary>FITS decode of a PS1-sized cutout (170×170 float32) against a plain byte copy of the same file (baseline).</summary>
[MemoryDiagnoser]
[InProcess] // in this process: the generated project would load an unpatched libtorch, and its failures went unnoticed
public class FitsBenchmarks
{
    private byte[] _file = [];
    private byte[] _copy = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var data = Enumerable.Range(0, 170 * 170).Select(_ => (float)rng.NextDouble()).ToArray();
        var ms = new MemoryStream();
        using (var w = new FitsWriter(ms, leaveOpen: true)) w.WriteImage(data, 170, 170);
        _file = ms.ToArray();
        _copy = new byte[_file.Length];
    }

    [Benchmark(Baseline = true)]
    public void MemoryCopy() => _file.CopyTo(_copy, 0);

    [Benchmark]
    public float ReadPs1Cutout()
    {
        using var f = FitsFile.Open(new MemoryStream(_file, writable: false), "bench.fits");
        return f.ReadImage(f.FirstImageHdu()).Data[0];
    }
}
