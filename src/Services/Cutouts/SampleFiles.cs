using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>Loads a sample from reference-named files wherever they are.</summary>
internal static class SampleFiles
{
    public const string Target = "target";

    public static CutoutSample Load(IReadOnlyDictionary<string, string> files, SkyPosition p, bool allowNan)
    {
        var pixels = new float[Surveys.BandTable.NativePixelsPerSample];
        var zeroPoints = new float[Surveys.BandTable.BandCount];
        return new CutoutSample(pixels, zeroPoints, LoadInto(files, p, allowNan, pixels, zeroPoints));
    }

    public static SampleFlags LoadInto(IReadOnlyDictionary<string, string> files, SkyPosition p, bool allowNan, Span<float> pixels,
        Span<float> zeroPoints)
    {
        try
        {
            return new CutoutLoader(name => files.TryGetValue(name, out var path) ? path : CutoutLoader.NotAvailable)
                { MissingCoverageAsZeros = true, AllowNan = allowNan }.LoadInto(Target, p.Ra, p.Dec, pixels, zeroPoints);
        }
        catch (SampleRejectedException e) { throw new UserInputException($"cutouts at RA {p.Ra}, Dec {p.Dec} are unusable: {e.Message}"); }
        catch (FitsFormatException e) { throw new UserInputException($"cutouts at RA {p.Ra}, Dec {p.Dec}: {e.Message}"); }
    }
}
