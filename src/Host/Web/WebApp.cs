using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using MantisShrimp.Engine;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Cutouts;
using MantisShrimp.Engine.Forced;
using MantisShrimp.Engine.Plots;
using MantisShrimp.Engine.Surveys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MantisShrimp.Host.Web;

/// <summary>The reference's request: {"NAME": …, "RA": …, "DEC": …} (plus an optional calibration toggle).</summary>
public sealed record PredictRequest(
    [property: JsonPropertyName("NAME")] JsonElement? Name,
    [property: JsonPropertyName("RA")] JsonElement? Ra,
    [property: JsonPropertyName("DEC")] JsonElement? Dec,
    [property: JsonPropertyName("CALIBRATE")] bool? Calibrate);

public sealed record PredictResponse(string name, double ra, double dec, double z_mean, double z_mode, double z_std, double z_lo68, double z_hi68,
    double z_lo90, double z_hi90, double[] bins, float[] pdf, float ebv_csfd, float ebv_planck, bool calibrated, string cutouts, double? snr_r);

/// <summary>
/// <c>mantis serve</c> (ASP.NET Core minimal API): <c>POST /predict</c>, <c>GET /</c> (page), <c>GET /health</c>,
/// <c>GET /openapi.json</c>, <c>GET /cutouts/{key}.png</c>. One <see cref="ForcedPhotoZ"/> (model loaded once,
/// concurrent requests batched). Bad input → 400 with a reason; upstream failures → 502 (504 on timeouts);
/// per-client rate limit → 429; request bodies over 16 KiB → 413. NAME is a label only, never a path.
/// </summary>
public static class WebApp
{
    public const int MaxBodyBytes = 16 * 1024;
    private static readonly double[] Bins = RedshiftGrid.Centres();

    public static WebApplication Build(ForcedPhotoZ service, string urls, int permitsPerMinute = 600)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                RateLimitPartition.GetTokenBucketLimiter(ctx.Connection.RemoteIpAddress?.ToString() ?? "?", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, permitsPerMinute / 6), TokensPerPeriod = Math.Max(1, permitsPerMinute / 6), ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                    QueueLimit = 64, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));
        });
        builder.Services.AddMantisTelemetry(); // GET /metrics (Telemetry.cs)
        var app = builder.Build();
        app.MapMantisMetrics();
        app.UseRateLimiter();
        // Cutout mosaics are drawn when the page asks for them, not while the prediction waits.
        var cutouts = new ConcurrentDictionary<string, Lazy<byte[]>>();

        app.MapGet("/health", () => Results.Json(new { status = "ok", calibration = service.HasCalibration, batches = service.Batches, galaxies = service.Galaxies }));
        string page = Page(); // read once, not per request
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/openapi.json", () => Results.Content(OpenApi, "application/json"));
        app.MapGet("/cutouts/{key}.png", (string key) =>
            cutouts.TryGetValue(key, out var png) ? Results.File(png.Value, "image/png") : Results.NotFound(new { error = "unknown or expired cutout key" }));
        app.MapPost("/predict", async (HttpContext http, CancellationToken cancel) =>
        {
            PredictRequest? request;
            try { request = await JsonSerializer.DeserializeAsync<PredictRequest>(http.Request.Body, cancellationToken: cancel); }
            catch (JsonException e) { return Results.BadRequest(new { error = $"body is not the JSON {{\"NAME\", \"RA\", \"DEC\"}}: {e.Message}" }); }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) { return Results.Json(new { error = e.Message }, statusCode: e.StatusCode); }
            if (request is null) return Results.BadRequest(new { error = "empty body" });
            if (!Number(request.Ra, out double ra) || !Number(request.Dec, out double dec))
                return Results.BadRequest(new { error = "RA and DEC must be numbers (degrees)" });
            string name = request.Name is { ValueKind: JsonValueKind.String } n ? n.GetString()! : request.Name?.ToString() ?? "";
            if (name.Length > 200) return Results.BadRequest(new { error = "NAME is longer than 200 characters" });
            try
            {
                var r = await service.PredictAsync(name, ra, dec, request.Calibrate ?? false, cancel);
                string key = Guid.NewGuid().ToString("N");
                cutouts[key] = new Lazy<byte[]>(() => CutoutPng(r));
                while (cutouts.Count > 1000) cutouts.TryRemove(cutouts.Keys.First(), out _);
                var s = r.Summary;
                return Results.Json(new PredictResponse(name, ra, dec, s.Mean, s.Mode, s.Std, s.Lo68, s.Hi68, s.Lo90, s.Hi90, Bins, r.Probabilities,
                    r.EbvCsfd, r.EbvPlanck, r.Calibrated, $"/cutouts/{key}.png", double.IsFinite(r.SnrR) ? Math.Round(r.SnrR, 3) : null));
            }
            catch (UserInputException e) { return Results.BadRequest(new { error = e.Message }); }
            catch (UpstreamException e) { return Results.Json(new { error = e.Message }, statusCode: e.TimedOut ? 504 : 502); }
        });
        return app;
    }

    private static bool Number(JsonElement? e, out double value)
    {
        value = double.NaN;
        if (e is not { } v) return false;
        if (v.ValueKind == JsonValueKind.Number) return v.TryGetDouble(out value) && double.IsFinite(value);
        return v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static byte[] CutoutPng(ForcedResult r)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mantis-cutouts-{Guid.NewGuid():N}.png");
        try
        {
            Figures.Mosaic(path, [BandCatalog.All.Select(b => (r.Sample.Band(b.Band).ToArray(), b.NativeSize)).ToList()], tile: 96);
            return File.ReadAllBytes(path);
        }
        finally { File.Delete(path); }
    }

    private static string Page()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("index.html")!;
        return new StreamReader(stream).ReadToEnd();
    }

    private const string OpenApi = """
    {"openapi":"3.0.3","info":{"title":"Mantis Shrimp forced photo-z","version":"1.0"},
     "paths":{
      "/predict":{"post":{"summary":"Redshift PDF at a sky position","requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["RA","DEC"],
        "properties":{"NAME":{"type":"string","description":"a label; never used as a path"},"RA":{"type":"number","minimum":0,"exclusiveMaximum":360},"DEC":{"type":"number","minimum":-30,"maximum":90},"CALIBRATE":{"type":"boolean"}}}}}},
        "responses":{"200":{"description":"PDF and summary","content":{"application/json":{"schema":{"type":"object","properties":{"name":{"type":"string"},"ra":{"type":"number"},"dec":{"type":"number"},
          "z_mean":{"type":"number"},"z_mode":{"type":"number"},"z_std":{"type":"number"},"z_lo68":{"type":"number"},"z_hi68":{"type":"number"},"z_lo90":{"type":"number"},"z_hi90":{"type":"number"},
          "bins":{"type":"array","items":{"type":"number"}},"pdf":{"type":"array","items":{"type":"number"}},"ebv_csfd":{"type":"number"},"ebv_planck":{"type":"number"},"calibrated":{"type":"boolean"},"cutouts":{"type":"string"},"snr_r":{"type":"number","nullable":true,"description":"the target's measured S/N in PS1 r (Kron or static-aperture flux over its background-limited error)"}}}}}},
          "400":{"description":"bad input, with a reason"},"413":{"description":"body too large"},"429":{"description":"rate limited"},"502":{"description":"cutout service failed"},"504":{"description":"cutout service timed out"}}}},
      "/health":{"get":{"responses":{"200":{"description":"ok"}}}}}}
    """;
}
