using BenchmarkDotNet.Attributes;
using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Bench;

/// <summary>
/// FITS decode of a PS1-sized cutout (170×170 float32, the header PS1's files carry: WCS, EXPTIME, HIERARCH cards)
/// against a plain byte copy of the same file (baseline): <see cref="FitsFile"/> (the allocating public path) and
/// <see cref="FitsImageReader"/> (pooled buffers, headers parsed in place), from memory and from a file on disk.
/// </summary>
[MemoryDiagnoser]
[InProcess] // in this process: the generated project would load an unpatched libtorch, and its failures went unnoticed
public class FitsBenchmarks
{
    private byte[] _file = [];
    private byte[] _copy = [];
    private MemoryStream _stream = null!;
    private readonly FitsImageReader _reader = new();
    private readonly float[] _pixels = new float[170 * 170];
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var data = Enumerable.Range(0, 170 * 170).Select(_ => (float)rng.NextDouble()).ToArray();
        var ms = new MemoryStream();
        using (var w = new FitsWriter(ms, leaveOpen: true))
            w.WriteImage(data, 170, 170, cards:
            [
                .. Engine.Sky.TanWcs.Centered(150.1, 2.2, 170, 0.25).ToCards(),
                FitsCard.Of("RADESYS", "ICRS"), FitsCard.Of("EXPTIME", 600.0), FitsCard.Of("FPA.ZP", 25.0),
                FitsCard.Of("FPA.FILTER", "g.00000"), FitsCard.Of("MAGZP", 31.9, "AB mag of a pixel value of 1"),
            ]);
        _file = ms.ToArray();
        _copy = new byte[_file.Length];
        _stream = new MemoryStream(_file, writable: false);
        _path = Path.Combine(Path.GetTempPath(), $"mantis-bench-{Environment.ProcessId}.fits");
        File.WriteAllBytes(_path, _file);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true)]
    public void MemoryCopy() => _file.CopyTo(_copy, 0);

    [Benchmark]
    public float FitsFileFromMemory()
    {
        using var f = FitsFile.Open(new MemoryStream(_file, writable: false), "bench.fits");
        return f.ReadImage(f.FirstImageHdu()).Data[0];
    }

    [Benchmark]
    public float ReaderFromMemory()
    {
        _reader.Open(_stream, "bench.fits");
        _reader.ReadPixels(_pixels, out _, out _, out _);
        return _pixels[0];
    }

    [Benchmark]
    public float FitsFileFromDisk()
    {
        using var f = FitsFile.Open(_path);
        return f.ReadImage(f.FirstImageHdu()).Data[0];
    }

    [Benchmark]
    public float ReaderFromDisk()
    {
        _reader.Open(_path);
        _reader.ReadPixels(_pixels, out _, out _, out _);
        return _pixels[0];
    }
}
