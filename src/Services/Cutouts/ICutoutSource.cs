using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>Where a position's 9 bands come from: the services, or a folder the user already holds.</summary>
public interface ICutoutSource
{
    /// <summary>
    /// The 9 bands at a position, checked by the ingest rules (NaN rule, crop, WCS centre); no GALEX or unWISE cutout
    /// there is zeros with the no-coverage flag. <paramref name="allowNan"/>: a PS1 band over the NaN rule is kept, flagged.
    /// </summary>
    Task<CutoutSample> GetAsync(SkyPosition position, CancellationToken cancel, bool allowNan = false);

    /// <summary><see cref="GetAsync"/> into the caller's buffers (<see cref="BandTable.NativePixelsPerSample"/> pixels,
    /// <see cref="BandTable.BandCount"/> zero points), which a streaming caller reuses: no allocation per position.</summary>
    Task<SampleFlags> LoadIntoAsync(SkyPosition position, float[] pixels, float[] zeroPoints, CancellationToken cancel,
        bool allowNan = false);

    /// <summary>Reference-named files (name.g.fits, name.Galex.fits, …) of a position: file name → path; GALEX and
    /// unWISE are left out where the source has no coverage, PS1 is an error.</summary>
    Task<IReadOnlyDictionary<string, string>> FilesAsync(SkyPosition position, string name, CancellationToken cancel);
}
