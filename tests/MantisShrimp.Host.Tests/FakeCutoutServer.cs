using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// A loopback stand-in for PS1's ps1filenames.py + fitscut.cgi and the Legacy Surveys' fits-cutout, speaking their URL
/// grammar and serving a folder of reference-named cutouts by position (the catalog's ra/dec within 1″). Faults can be
/// queued per endpoint: HTTP 500, a truncated body, or a slow reply.
/// </summary>
public sealed class FakeCutoutServer : IAsyncDisposable
{
    public enum Fault { Error500, Truncated, Slow }

    private readonly WebApplication _app;
    private readonly List<(string Id, double Ra, double Dec)> _objects;
    private readonly string _cutouts;
    public readonly ConcurrentQueue<(string Endpoint, Fault Fault)> Faults = new();
    public readonly ConcurrentDictionary<string, int> Requests = new();
    public volatile bool AlwaysFail;
    public TimeSpan SlowDelay = TimeSpan.FromSeconds(5);

    public FakeCutoutServer(string catalog, string cutouts)
    {
        _cutouts = cutouts;
        using var reader = new StreamReader(catalog);
        var rows = Csv.Read(reader, catalog).ToList();
        var h = rows[0].Fields;
        int id = Array.IndexOf(h, "id"), ra = Array.IndexOf(h, "ra"), dec = Array.IndexOf(h, "dec");
        _objects = rows.Skip(1).Select(r =>
            (r.Fields[id], double.Parse(r.Fields[ra], CultureInfo.InvariantCulture),
            double.Parse(r.Fields[dec], CultureInfo.InvariantCulture))).ToList();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/ps1/ps1filenames.py", async (HttpContext ctx) =>
        {
            if (await Faulted("ps1filenames", ctx)) return;
            var form = await ctx.Request.ReadFormAsync();
            if (form["filters"] != "grizy" || form["type"] != "stack" || form.Files["file"] is not { } file) { ctx.Response.StatusCode =
                400; return; }
            var text = await new StreamReader(file.OpenReadStream()).ReadToEndAsync();
            var f = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            double r = double.Parse(f[0], CultureInfo.InvariantCulture), d = double.Parse(f[1], CultureInfo.InvariantCulture);
            var obj = Find(r, d);
            var sb = new StringBuilder("projcell subcell ra dec filter mjd type filename shortname badflag\n");
            foreach (var band in "grizy")
                sb.Append(CultureInfo.InvariantCulture,
                    $"2000 11 {r} {d} {band} 0 stack /rings.v3.skycell/{obj ?? "none"}.{band}.stk.fits {obj}.{band} 0\n");
            await ctx.Response.WriteAsync(sb.ToString());
        });
        _app.MapGet("/ps1/fitscut.cgi", async (HttpContext ctx) =>
        {
            if (await Faulted("fitscut", ctx)) return;
            var q = ctx.Request.Query;
            if (q["size"] != "170" || q["format"] != "fits") { ctx.Response.StatusCode = 400; return; }
            var red = q["red"].ToString();
            var name = Path.GetFileName(red).Replace(".stk.fits", ".fits"); // "{id}.{band}.fits"
            await Serve(ctx, name);
        });
        _app.MapGet("/viewer/fits-cutout", async (HttpContext ctx) =>
        {
            if (await Faulted("fits-cutout", ctx)) return;
            var q = ctx.Request.Query;
            string layer = q["layer"].ToString(), pixscale = q["pixscale"].ToString();
            bool ok = (layer == "galex" && pixscale == "1.5") || (layer == "unwise-neo7" && pixscale == "2.75");
            if (!ok || q["size"] != "32") { ctx.Response.StatusCode =
                400; await ctx.Response.WriteAsync("bad layer/pixscale/size"); return; }
            var obj = Find(double.Parse(q["ra"]!, CultureInfo.InvariantCulture), double.Parse(q["dec"]!, CultureInfo.InvariantCulture));
            await Serve(ctx, $"{obj}.{(layer == "galex" ? "Galex" : "Unwise")}.fits");
        });
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Urls.First();
    }

    public string BaseUrl { get; }
    public string Ps1Url => BaseUrl + "/ps1/";
    public string LegacyUrl => BaseUrl + "/viewer/";

    private string? Find(double ra, double dec) =>
        _objects.Where(o => Sky.TanWcsSeparation(o.Ra, o.Dec, ra, dec) < 1.0).Select(o => o.Id).FirstOrDefault();

    private async Task Serve(HttpContext ctx, string file)
    {
        string path = Path.Combine(_cutouts, file);
        if (file.StartsWith('.') || !File.Exists(path)) { ctx.Response.StatusCode = 404; return; }
        var bytes = await File.ReadAllBytesAsync(path);
        ctx.Response.ContentType = "application/fits";
        await ctx.Response.Body.WriteAsync(bytes);
    }

    private async Task<bool> Faulted(string endpoint, HttpContext ctx)
    {
        Requests.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
        if (AlwaysFail) { ctx.Response.StatusCode = 500; return true; }
        if (!Faults.TryPeek(out var f) || f.Endpoint != endpoint || !Faults.TryDequeue(out f)) return false;
        switch (f.Fault)
        {
            case Fault.Error500:
                ctx.Response.StatusCode = 500;
                await ctx.Response.WriteAsync("injected failure");
                return true;
            case Fault.Truncated:
                ctx.Response.ContentType = "application/fits";
                await ctx.Response.Body.WriteAsync(new byte[2880 + 100]); // a block of zeros and a stub: not FITS
                return true;
            default:
                await Task.Delay(SlowDelay, ctx.RequestAborted).ContinueWith(_ => { });
                return false;
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

internal static class Sky
{
    public static double TanWcsSeparation(double ra1, double dec1, double ra2, double dec2) =>
        Engine.Sky.TanWcs.SeparationArcsec(ra1, dec1, ra2, dec2);
}
