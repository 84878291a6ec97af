using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Cutouts;

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
        foreach (var band in BandTable.PanStarrs.Bands)
            if (!result.ContainsKey(band.Name)) throw new BadReplyException($"{source}: no {band.Name} stack in the file table");
        return result;
    }

    public Task<byte[]> CutoutAsync(SkyPosition p, string filename, CancellationToken cancel)
    {
        var url = new Uri(new Uri(http.Options.PanStarrsBase), string.Create(CultureInfo.InvariantCulture,
            $"fitscut.cgi?size={Size}&format=fits&ra={ResilientHttp.F(p.Ra)}&dec={ResilientHttp.F(p.Dec)}" +
                $"&red={Uri.EscapeDataString(filename)}"));
        return http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), body => ResilientHttp.RequireFits(body, url.ToString()),
            cancel);
    }
}
