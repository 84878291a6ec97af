using System.Globalization;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>
/// Legacy Surveys viewer cutouts: <c>GET fits-cutout?ra=…&amp;dec=…&amp;size=32&amp;pixscale=1.5&amp;layer=galex</c> and
/// <c>…&amp;pixscale=2.75&amp;layer=unwise-neo7</c> (the reference's batch path asks unWISE at 1.5″ by mistake; we don't).
/// </summary>
public sealed class LegacySurveyClient(ResilientHttp http)
{
    public static string Layer(SurveyInfo survey) =>
        survey.Service == CutoutService.LegacySurveysViewer && survey.ViewerLayer is { } layer ? layer
            : throw new ArgumentException($"{survey.Name} is not served by the Legacy Surveys viewer");

    public Task<byte[]> CutoutAsync(SkyPosition p, SurveyInfo survey, CancellationToken cancel)
    {
        var url = new Uri(new Uri(http.Options.LegacySurveyBase), string.Create(CultureInfo.InvariantCulture,
            $"fits-cutout?ra={ResilientHttp.F(p.Ra)}&dec={ResilientHttp.F(p.Dec)}&size={survey.NativeSize}" +
                $"&pixscale={survey.PixelScaleArcsec:0.0##}&layer={Layer(survey)}"));
        return http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), body => ResilientHttp.RequireFits(body, url.ToString()),
            cancel);
    }
}
