using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;
using MantisShrimp.Engine.Inference;

namespace MantisShrimp.Host.Web;

/// <summary>
/// The answer of <c>POST /predict</c>. Its JSON keys are a contract (the page and clients read them): name, ra, dec, the
/// PDF summaries z_mean … z_hi90 (<see cref="PdfColumns.Summary"/>, written in place of <paramref name="summary"/> by
/// <see cref="FlattenSummary"/>, so score's and predict's column names are the keys), bins, pdf, ebv_csfd, ebv_planck,
/// calibrated, cutouts, snr_r, galex_coverage, unwise_coverage. The OpenAPI schema is generated from the same contract.
/// </summary>
public sealed record PredictResponse(
    [property: Description("the request's NAME, echoed: a label, never used as a path")] string name,
    [property: Description("right ascension (degrees)")] double ra,
    [property: Description("declination (degrees)")] double dec,
    PdfSummary summary,
    [property: Description("the redshift classes' centres")] double[] bins,
    [property: Description("probability of each class (sums to 1)")] float[] pdf,
    [property: Description("E(B−V) used, CSFD map")] float ebv_csfd,
    [property: Description("E(B−V) used, Planck map")] float ebv_planck,
    [property: Description("true: the PDF was recalibrated with CalPIT")] bool calibrated,
    [property: Description("link to the 9-band cutout mosaic (PNG), kept while the cutout cache holds it")] string cutouts,
    [property: Description("the target's measured S/N in PS1 r (Kron or static-aperture flux over its background-limited " +
        "error); null where it is not finite")] double? snr_r,
    [property: Description("false: no GALEX cutout there (or all zeros); predicted with zeros, as the training set stores " +
        "no coverage")] bool galex_coverage,
    [property: Description("false: no unWISE cutout there (or all zeros); predicted with zeros")] bool unwise_coverage)
{
    /// <summary>
    /// A System.Text.Json contract modifier: <see cref="summary"/>'s place in the JSON object holds one number per
    /// <see cref="PdfColumns.Summary"/> column instead. Serialisation and the OpenAPI schema both read the contract, so the
    /// document describes the keys a response has.
    /// </summary>
    public static void FlattenSummary(JsonTypeInfo info)
    {
        if (info.Type != typeof(PredictResponse)) return;
        int at = -1;
        for (int i = 0; i < info.Properties.Count; i++)
            if (info.Properties[i].Name == nameof(summary)) at = i;
        if (at < 0) throw new InvalidOperationException($"{nameof(PredictResponse)} has no {nameof(summary)} property");
        info.Properties.RemoveAt(at);
        foreach (var column in PdfColumns.Summary.Reverse())
        {
            var property = info.CreateJsonPropertyInfo(typeof(double), column.Name);
            property.Get = response => column.Value(((PredictResponse)response).summary);
            info.Properties.Insert(at, property);
        }
    }
}
