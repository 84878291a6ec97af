using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels.Inpaint;

namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>A model card's NaN treatment, applied in place to one sample's native pixels (channel order, FITS order) before the
/// transforms.</summary>
public static class NanTreatments
{
    public static void Apply(ModelCard card, Span<float> sample)
    {
        if (card.Nan != NanTreatment.TeleaPanStarrs) return;
        foreach (var band in BandTable.ForSurvey(Survey.PanStarrs).Bands)
        {
            int n = band.NativeSize;
            var plane = sample.Slice(BandTable.NativePixelOffset(band.Band), n * n);
            if (HasNaN(plane)) TeleaInpaint.InpaintNaN(plane, n, n, card.InpaintRadius);
        }
    }

    private static bool HasNaN(ReadOnlySpan<float> plane)
    {
        foreach (var v in plane) if (float.IsNaN(v)) return true;
        return false;
    }
}
