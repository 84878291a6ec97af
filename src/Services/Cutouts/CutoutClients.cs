using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>A sky position a cutout request may ask for; RA in [0, 360), Dec in [−90, 90] and within the PS1 footprint.</summary>
public readonly record struct SkyPosition(double Ra, double Dec)
{
    /// <summary>Pan-STARRS 3π covers Dec ≥ −30° (paper §3.1).</summary>
    public const double Ps1MinDec = -30.0;

    public static SkyPosition Checked(double ra, double dec, string? label = null)
    {
        string who = label is null ? "" : $"{label}: ";
        if (!double.IsFinite(ra) || ra < 0 || ra >= 360) throw new UserInputException($"{who}RA {ra} is outside [0, 360) degrees");
        if (!double.IsFinite(dec) || dec < -90 || dec > 90) throw new UserInputException($"{who}Dec {dec} is outside [−90, 90] degrees");
        if (dec < Ps1MinDec) throw new UserInputException($"{who}Dec {dec} is outside the Pan-STARRS footprint (Dec ≥ −30°): no PS1 " +
            $"cutouts exist there");
        return new SkyPosition(ra, dec);
    }

    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Ra:0.000000}_{Dec:+0.000000;-0.000000}");
}

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

/// <summary>
/// Pan-STARRS1 image services: <c>POST ps1filenames.py</c> (form fields filters=grizy, type=stack, file positions.txt
/// with "ra dec"; reply: the table <c>projcell subcell ra dec filter mjd type filename shortname badflag</c>), then
/// <c>GET fitscut.cgi?size=170&amp;format=fits&amp;ra=…&amp;dec=…&amp;red={filename}</c> per band.
/// </summary>
public sealed class PanStarrsClient(ResilientHttp http)
{
    public const int Size = 170;

    /// <summary>Stack file name per filter (g r i z y) at a position.</summary>
    public async Task<Dictionary<string, string>> FileNamesAsync(SkyPosition p, CancellationToken cancel)
    {
        var url = new Uri(new Uri(http.Options.PanStarrsBase), "ps1filenames.py");
        return await http.SendAsync(() =>
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent("grizy"), "filters" },
                { new StringContent("stack"), "type" },
            };
            var file = new ByteArrayContent(Encoding.ASCII.GetBytes($"{ResilientHttp.F(p.Ra)} {ResilientHttp.F(p.Dec)}\n"));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            form.Add(file, "file", "positions.txt");
            return new HttpRequestMessage(HttpMethod.Post, url) { Content = form };
        }, body => ParseFileTable(Encoding.ASCII.GetString(body), url.ToString()), cancel);
    }

    /// <summary>Parses ps1filenames.py's whitespace table (header line first) into filter → filename.</summary>
    public static Dictionary<string, string> ParseFileTable(string text, string source)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0) throw new BadReplyException($"{source}: empty file table");
        var header = lines[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int filter = Array.IndexOf(header, "filter"), filename = Array.IndexOf(header, "filename");
        if (filter < 0 || filename < 0) throw new BadReplyException($"{source}: file table header lacks filter/filename ('{lines[0]}')");
        var result = new Dictionary<string, string>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != header.Length) throw new BadReplyException($"{source}: row '{line}' has {f.Length} fields, header " +
                $"{header.Length}");
            result[f[filter]] = f[filename];
        }
        foreach (var band in BandCatalog.PanStarrs.Bands)
            if (!result.ContainsKey(band.Name)) throw new BadReplyException($"{source}: no {band.Name} stack in the file table");
        return result;
    }

    public Task<byte[]> CutoutAsync(SkyPosition p, string filename, CancellationToken cancel)
    {
        var url = new Uri(new Uri(http.Options.PanStarrsBase), string.Create(CultureInfo.InvariantCulture,
            $"fitscut.cgi?size={Size}&format=fits&ra={ResilientHttp.F(p.Ra)}&dec={ResilientHttp.F(p.Dec)}&red={Uri.EscapeDataString(filename)}"));
        return http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), body => ResilientHttp.RequireFits(body, url.ToString()),
            cancel);
    }
}

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
            $"fits-cutout?ra={ResilientHttp.F(p.Ra)}&dec={ResilientHttp.F(p.Dec)}&size={survey.NativeSize}&pixscale={survey.PixelScaleArcsec:0.0##}&layer={Layer(survey)}"));
        return http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), body => ResilientHttp.RequireFits(body, url.ToString()),
            cancel);
    }
}
