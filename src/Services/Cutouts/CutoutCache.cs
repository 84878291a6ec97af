using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>
/// On-disk cache of cutout FITS files keyed by (survey, band, ra, dec, size). Only replies that parsed as FITS are
/// written (temp file + rename), so a partial download never becomes a cache entry.
/// </summary>
public sealed class CutoutCache(string directory)
{
    public string Directory { get; } = directory;

    public string PathOf(string survey, string band, SkyPosition p, int size) =>
        Path.Combine(Directory, survey, $"{survey}_{band}_{p.Key}_{size}.fits");

    public bool TryGet(string survey, string band, SkyPosition p, int size, out string path)
    {
        path = PathOf(survey, band, p, size);
        bool hit = File.Exists(path);
        Diagnostics.EngineMetrics.CacheLookups.Add(1, Diagnostics.EngineMetrics.Tag("result", hit ? "hit" : "miss"));
        return hit;
    }

    public string Put(string survey, string band, SkyPosition p, int size, byte[] fits)
    {
        string path = PathOf(survey, band, p, size);
        AtomicFile.WriteAllBytes(path, fits);
        return path;
    }
}
