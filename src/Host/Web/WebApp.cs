using System.Reflection;
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
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MantisShrimp.Host.Web;

public sealed record PredictResponse(string name, double ra, double dec, double z_mean, double z_mode, double z_std, double z_lo68, double z_hi68,
    double z_lo90, double z_hi90, double[] bins, float[] pdf, float ebv_csfd, float ebv_planck, bool calibrated, string cutouts, double? snr_r,
    bool galex_coverage, bool unwise_coverage);

/// <summary>
/// <c>mantis serve</c> (ASP.NET Core minimal API): <c>POST /predict</c>, <c>GET /</c> (page), <c>GET /health</c>,
/// <c>GET /openapi.json</c>, <c>GET /cutouts/{key}.png</c>. One <see cref="ForcedPhotoZ"/> (model loaded once,
/// concurrent requests batched). Bad input → 400 with a reason; upstream failures → 502 (504 on timeouts);
/// per-client rate limits → 429 with Retry-After; request bodies over 16 KiB → 413; POST without a JSON
/// Content-Type → 415. NAME is a label only, never a path; error bodies never hold server paths. docs/serve.md.
/// </summary>
public static class WebApp
{
    public const int MaxBodyBytes = 16 * 1024;
    private const string PredictPolicy = "predict", PagePolicy = "pages";
    private static readonly double[] Bins = RedshiftGrid.Centres();

    /// <summary>An app without a request log (tests).</summary>
    public static WebApplication Build(ForcedPhotoZ service, string urls, int permitsPerMinute = 600) =>
        Build(service, urls, new WebOptions { PermitsPerMinute = permitsPerMinute }, _ => { });

    /// <param name="logging">Where the request log goes (default: JSON lines on stderr).</param>
    public static WebApplication Build(ForcedPhotoZ service, string urls, WebOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter(RequestLog.Category, LogLevel.Information);
        if (logging is not null) logging(builder.Logging);
        else
        {
            builder.Logging.AddJsonConsole();
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.AddServerHeader = false;
        });
        builder.Services.AddRateLimiter(o => RateLimits(o, options));
        builder.Services.AddMantisTelemetry(); // GET /metrics (Telemetry.cs)
        var app = builder.Build();
        var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLog.Category);
        app.Use((http, next) => RequestLog.Invoke(http, next, requests));
        app.Use((http, next) =>
        {
            SecurityHeaders.Apply(http.Response, SecurityHeaders.ApiPolicy); // the page's handler replaces the policy
            return next(http);
        });
        app.MapMantisMetrics();
        app.UseRateLimiter();
        // Cutout mosaics are drawn when the page asks for them, not while the prediction waits.
        var cutouts = new MosaicCache(options.CutoutCacheBytes, CutoutPng);

        // example: a position the configured cutouts can answer (a complete id of a local folder), for the page's example link.
        var example = service.Source is LocalCutoutSource local ? local.Example() : null;
        app.MapGet("/health", () => Results.Json(new
        {
            status = "ok", calibration = service.HasCalibration, batches = service.Batches, galaxies = service.Galaxies,
            cutout_cache = new { entries = cutouts.Count, bytes = cutouts.Bytes, limit = options.CutoutCacheBytes },
            example = example is { } e ? new { ra = e.Ra, dec = e.Dec } : null,
        })).DisableRateLimiting();
        string page = Page(); // read once, not per request
        string pagePolicy = SecurityHeaders.PagePolicy(page);
        app.MapGet("/", (HttpContext http) =>
        {
            SecurityHeaders.Apply(http.Response, pagePolicy);
            return Results.Content(page, "text/html; charset=utf-8");
        }).RequireRateLimiting(PagePolicy);
        app.MapGet("/openapi.json", () => Results.Content(OpenApi, "application/json")).RequireRateLimiting(PagePolicy);
        app.MapGet("/cutouts/{key}.png", (string key) => cutouts.Png(key) is { } png
            ? Results.File(png, "image/png")
            : Results.NotFound(new { error = "unknown or expired cutout key" })).RequireRateLimiting(PagePolicy);
        app.MapPost("/predict", (HttpContext http, CancellationToken cancel) => Predict(http, service, cutouts, cancel))
            .RequireRateLimiting(PredictPolicy);
        return app;
    }

    private static async Task<IResult> Predict(HttpContext http, ForcedPhotoZ service, MosaicCache cutouts, CancellationToken cancel)
    {
        // Only JSON: a browser's cross-site form post (text/plain, form encodings) is refused before anything runs.
        if (!http.Request.HasJsonContentType())
            return Error(StatusCodes.Status415UnsupportedMediaType, "POST /predict takes Content-Type: application/json");
        byte[] body;
        try
        {
            using var ms = new MemoryStream();
            await http.Request.Body.CopyToAsync(ms, cancel);
            body = ms.ToArray();
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            return Error(e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"the body is larger than {MaxBodyBytes} bytes" : "the request body could not be read");
        }
        var (input, problem) = PredictInput.Parse(body);
        if (input is null) return Error(StatusCodes.Status400BadRequest, problem!);
        try
        {
            var r = await service.PredictAsync(input.Name, input.Ra, input.Dec, input.Calibrate, cancel);
            http.Items[RequestLog.GalaxiesItem] = r.BatchSize;
            string key = cutouts.Add(r.Sample!); // PredictAsync keeps the cutouts
            var s = r.Summary;
            double? snr = double.IsFinite(r.SnrR) ? Math.Round(r.SnrR, 3) : null;
            return Results.Json(new PredictResponse(input.Name, input.Ra, input.Dec, s.Mean, s.Mode, s.Std, s.Lo68, s.Hi68, s.Lo90, s.Hi90,
                Bins, r.Probabilities, r.EbvCsfd, r.EbvPlanck, r.Calibrated, $"/cutouts/{key}.png", snr, r.GalexCoverage, r.UnwiseCoverage));
        }
        catch (UserInputException e) { return Error(StatusCodes.Status400BadRequest, e.Message); }
        catch (UpstreamException e)
        {
            return Error(e.TimedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RequestLog.PredictFailed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("MantisShrimp.Web"), e);
            return Error(StatusCodes.Status500InternalServerError, "internal error (logged on the server)");
        }
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new { error = PublicErrors.Scrub(message) }, statusCode: status);

    /// <summary>Per client address: a token bucket for /predict and a larger one for the page's files; 429s say when to retry.</summary>
    private static void RateLimits(RateLimiterOptions o, WebOptions options)
    {
        static TokenBucketRateLimiterOptions Bucket(int perMinute, int queue) => new()
        {
            TokenLimit = Math.Max(1, perMinute / 6), TokensPerPeriod = Math.Max(1, perMinute / 6),
            ReplenishmentPeriod = TimeSpan.FromSeconds(10), QueueLimit = queue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
        static string Client(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString() ?? "?";
        o.AddPolicy(PredictPolicy, ctx =>
            RateLimitPartition.GetTokenBucketLimiter(Client(ctx), _ => Bucket(options.PermitsPerMinute, options.QueueLimit)));
        o.AddPolicy(PagePolicy, ctx =>
            RateLimitPartition.GetTokenBucketLimiter(Client(ctx), _ => Bucket(options.PagePermitsPerMinute, options.QueueLimit)));
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = async (context, token) =>
        {
            int seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 10;
            var response = context.HttpContext.Response;
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var body = new { error = "too many requests from this address; retry later", retry_after_s = seconds };
            await response.WriteAsJsonAsync(body, token);
        };
    }

    private static byte[] CutoutPng(Engine.Data.CutoutSample sample)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mantis-cutouts-{Guid.NewGuid():N}.png");
        try
        {
            Figures.Mosaic(path, [BandCatalog.All.Select(b => (sample.Band(b.Band).ToArray(), b.NativeSize)).ToList()], tile: 96,
                labels: [BandCatalog.All.Select(b => b.Name).ToList()]);
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
          "bins":{"type":"array","items":{"type":"number"}},"pdf":{"type":"array","items":{"type":"number"}},"ebv_csfd":{"type":"number"},"ebv_planck":{"type":"number"},"calibrated":{"type":"boolean"},"cutouts":{"type":"string"},"snr_r":{"type":"number","nullable":true,"description":"the target's measured S/N in PS1 r (Kron or static-aperture flux over its background-limited error)"},"galex_coverage":{"type":"boolean","description":"false: no GALEX cutout there (or all zeros); predicted with zeros, as the training set stores no coverage"},"unwise_coverage":{"type":"boolean","description":"false: no unWISE cutout there (or all zeros); predicted with zeros"}}}}}},
          "400":{"description":"bad input, with a reason"},"413":{"description":"body too large"},"415":{"description":"Content-Type is not application/json"},"429":{"description":"rate limited; see Retry-After"},"502":{"description":"cutout service failed"},"504":{"description":"cutout service timed out"}}}},
      "/health":{"get":{"responses":{"200":{"description":"ok"}}}}}}
    """;
}
