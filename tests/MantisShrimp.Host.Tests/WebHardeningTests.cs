using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Tests;
using MantisShrimp.Engine.Training;
using MantisShrimp.Host.Web;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MantisShrimp.Host.Tests;

/// <summary>What a log provider received: category and the structured values of each entry.</summary>
internal sealed class CapturingLogs : ILoggerProvider
{
    public ConcurrentQueue<(string Category, Dictionary<string, object?> Values)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> kv ? kv.ToDictionary(p => p.Key, p => p.Value) : [];
            values["{Message}"] = formatter(state, exception);
            owner.Entries.Enqueue((category, values));
        }
    }
}

/// <summary>mantis serve as operators run it: headers, content types, limits, errors, logging, memory, shutdown.</summary>
[Collection(LoadCollection.Name)] // the load test measures process memory: alone
public class WebHardeningTests(ForcedFixture f, ITestOutputHelper log) : IClassFixture<ForcedFixture>
{
    private sealed class Served : IAsyncDisposable
    {
        public required Engine.Models.PhotoZNetwork Network { get; init; }
        public required Engine.Forced.ForcedPhotoZ Service { get; init; }
        public required Microsoft.AspNetCore.Builder.WebApplication App { get; init; }
        public required HttpClient Http { get; init; }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
            Service.Dispose();
            Network.Dispose();
        }
    }

    private async Task<Served> Start(WebOptions options, ILoggerProvider? logs = null)
    {
        var (_, network) = Checkpoint.Load(f.Model);
        var service = new Engine.Forced.ForcedPhotoZ(network, TorchSharp.torch.CPU, new Engine.Cutouts.LocalCutoutSource(f.Cutouts),
            Engine.Forced.DustSource.Fixed(0.02f, 0.02f));
        var app = WebApp.Build(service, "http://127.0.0.1:0", options, l => { if (logs is not null) l.AddProvider(logs); });
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        return new Served { Network = network, Service = service, App = app, Http = http };
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static ByteArrayContent JsonBytes(byte[] body)
    {
        var c = new ByteArrayContent(body);
        c.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return c;
    }

    private static Dictionary<string, object> Body(string name, double ra, double dec) =>
        new() { ["NAME"] = name, ["RA"] = ra, ["DEC"] = dec };

    [Fact]
    public async Task Responses_carry_security_headers_and_no_server_header()
    {
        await using var s = await Start(new WebOptions());
        var page = await s.Http.GetAsync("/");
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        string csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'sha256-", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.False(page.Headers.Contains("Server"));
        var health = await s.Http.GetAsync("/health");
        Assert.Equal("nosniff", health.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", health.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Predict_requires_json_and_explains_bad_bodies_in_the_requests_terms()
    {
        await using var s = await Start(new WebOptions());
        var g = f.Accepted[0];
        string ok = string.Create(CultureInfo.InvariantCulture, $"{{\"NAME\":\"x\",\"RA\":{g.Ra:R},\"DEC\":{g.Dec:R}}}");
        var form = await s.Http.PostAsync("/predict", new StringContent(ok, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Contains("application/json", (string)JsonNode.Parse(await form.Content.ReadAsStringAsync())!["error"]!);
        var urlencoded = await s.Http.PostAsync("/predict", new FormUrlEncodedContent([new("RA", "1"), new("DEC", "1")]));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, urlencoded.StatusCode);

        var invalidUtf8 = Encoding.UTF8.GetBytes("{\"NAME\":\"ab\",\"RA\":1,\"DEC\":1}");
        invalidUtf8[9] = 0xFF;
        var cases = new (HttpContent Body, string Why)[]
        {
            (JsonBytes(invalidUtf8), "UTF-8"),
            (Json("{\"NAME\":\"\\ud800\",\"RA\":1,\"DEC\":1}"), "surrogate"),
            (Json("[]"), "array"),
            (Json("\"just a string\""), "string"),
            (Json("{\"NAME\":\"x\",\"RA\":1,\"DEC\":1,\"CALIBRATE\":\"yes\"}"), "CALIBRATE must be true or false"),
            (Json("{\"NAME\":[1],\"RA\":1,\"DEC\":1}"), "NAME must be a string"),
            (Json("{\"NAME\":\"x\",\"RA\":1,"), "not valid JSON"),
            (Json(""), "empty body"),
        };
        foreach (var (body, why) in cases)
        {
            var reply = await s.Http.PostAsync("/predict", body);
            string text = await reply.Content.ReadAsStringAsync();
            Assert.True(reply.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)reply.StatusCode} {text}");
            Assert.Contains(why, (string)JsonNode.Parse(text)!["error"]!);
            Assert.DoesNotContain("MantisShrimp", text);
            Assert.DoesNotContain("System.", text);
        }
        Assert.Equal(HttpStatusCode.OK, (await s.Http.PostAsync("/predict", Json(ok))).StatusCode);
    }

    [Fact]
    public async Task Error_bodies_never_hold_server_paths()
    {
        await using var s = await Start(new WebOptions());
        var reply = await s.Http.PostAsJsonAsync("/predict", Body("x", 10, 10)); // no cutouts there in the folder
        string text = await reply.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Contains("no *.", text);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), text);
        Assert.DoesNotContain(f.Cutouts, text);
        Assert.Equal("cutouts: no x.fits in dust", PublicErrors.Scrub("/srv/data/cutouts: no /srv/data/x.fits in /home/me/dust/"));
    }

    [Fact]
    public async Task Rate_limited_requests_get_429_with_retry_after_and_health_is_exempt()
    {
        // One token per 10 s, none queued.
        await using var s = await Start(new WebOptions { PermitsPerMinute = 6, PagePermitsPerMinute = 6, QueueLimit = 0 });
        var g = f.Accepted[1];
        Assert.Equal(HttpStatusCode.OK, (await s.Http.PostAsJsonAsync("/predict", Body("a", g.Ra, g.Dec))).StatusCode);
        var limited = await s.Http.PostAsJsonAsync("/predict", Body("b", g.Ra, g.Dec));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) is >= 1 and <= 10);
        var json = JsonNode.Parse(await limited.Content.ReadAsStringAsync())!;
        Assert.Contains("too many requests", (string)json["error"]!);
        for (int i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/")).StatusCode); // its own budget, not /predict's
    }

    [Fact]
    public async Task Every_request_is_one_structured_log_line()
    {
        var logs = new CapturingLogs();
        await using var s = await Start(new WebOptions(), logs);
        var g = f.Accepted[2];
        Assert.Equal(HttpStatusCode.OK, (await s.Http.PostAsJsonAsync("/predict", Body("logged", g.Ra, g.Dec))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/health")).StatusCode);
        var lines = logs.Entries.Where(e => e.Category == "MantisShrimp.Requests").Select(e => e.Values).ToList();
        Assert.Equal(2, lines.Count);
        var predict = lines[0];
        Assert.Equal("POST", predict["Method"]);
        Assert.Equal("/predict", predict["Path"]);
        Assert.Equal(200, predict["Status"]);
        Assert.Equal("127.0.0.1", predict["Client"]);
        Assert.True((int)predict["Galaxies"]! >= 1);
        Assert.True((double)predict["LatencyMs"]! >= 0);
        Assert.True(DateTimeOffset.TryParse((string)predict["Time"]!, CultureInfo.InvariantCulture, out _));
        Assert.Equal(0, lines[1]["Galaxies"]);
    }

    [Fact]
    public async Task The_cutout_cache_stays_within_its_byte_bound()
    {
        long bound = 2L << 20; // about three samples' pixels
        await using var s = await Start(new WebOptions { CutoutCacheBytes = bound });
        var keys = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            var g = f.Accepted[i % f.Accepted.Count];
            var reply = await s.Http.PostAsJsonAsync("/predict", Body($"c{i}", g.Ra, g.Dec));
            var json = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
            keys.Add((string)json["cutouts"]!);
        }
        var cache = JsonNode.Parse(await s.Http.GetStringAsync("/health"))!["cutout_cache"]!;
        Assert.True((long)cache["bytes"]! <= bound, cache.ToJsonString());
        Assert.True((int)cache["entries"]! < 12);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync(keys[0])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync(keys[^1])).StatusCode);
    }

    [Fact]
    public async Task Load_2000_requests_at_64_concurrent_without_errors_in_bounded_memory()
    {
        const int requests = 2000, concurrency = 64;
        long bound = 16L << 20;
        await using var s = await Start(new WebOptions { PermitsPerMinute = 1_000_000, CutoutCacheBytes = bound });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        http.BaseAddress = s.Http.BaseAddress;
        for (int i = 0; i < 8; i++)
        {
            var w = f.Accepted[i % f.Accepted.Count];
            await http.PostAsJsonAsync("/predict", Body("warm", w.Ra, w.Dec));
        }
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long baseline = Process.GetCurrentProcess().WorkingSet64, peak = baseline;
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentBag<string>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                using var p = Process.GetCurrentProcess();
                peak = Math.Max(peak, p.WorkingSet64);
                await Task.Delay(50);
            }
        });
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency };
        await Parallel.ForEachAsync(Enumerable.Range(0, requests), parallel, async (i, cancel) =>
        {
            var g = f.Accepted[i % f.Accepted.Count];
            var one = Stopwatch.StartNew();
            using var r = await http.PostAsJsonAsync("/predict", Body($"g{i}", g.Ra, g.Dec), cancel);
            latencies.Add(one.Elapsed.TotalMilliseconds);
            if (r.StatusCode != HttpStatusCode.OK) errors.Add($"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync(cancel)}");
        });
        double seconds = clock.Elapsed.TotalSeconds;
        sampling.Cancel();
        await sampler;
        var sorted = latencies.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        var cache = JsonNode.Parse(await http.GetStringAsync("/health"))!["cutout_cache"]!;
        long retained = GC.GetTotalMemory(forceFullCollection: true) - heapBefore; // what the server still holds
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {requests} requests, {concurrency} concurrent, {seconds:F1} s ({requests / seconds:F0}/s): " +
            $"p50 {P(0.50):F0} ms, p95 {P(0.95):F0} ms, p99 {P(0.99):F0} ms; {errors.Count} errors; " +
            $"RSS {baseline >> 20} MiB before, peak {peak >> 20} MiB (+{(peak - baseline) >> 20} MiB); " +
            $"managed heap retained after the load {retained >> 20} MiB; " +
            $"cutout cache {(long)cache["bytes"]! >> 10} KiB in {(int)cache["entries"]!} entries (bound {bound >> 20} MiB); " +
            $"{s.Service.Batches} forward passes for {s.Service.Galaxies} galaxies"));
        Assert.Empty(errors);
        Assert.Equal(requests, sorted.Length);
        Assert.True((long)cache["bytes"]! <= bound);
        // Unbounded, the cache kept 1000 samples' pixels (~600 MB live) and RSS grew by 2.2 GiB. Bounded, what stays live
        // is the cache and little else, and RSS (64 requests in flight, libtorch's and the GC's own pools) grows by well under
        // 1.5 GiB. Growth, not the absolute figure: the test process still holds what the other test classes loaded before.
        Assert.True(retained < bound + (48L << 20), $"{retained >> 20} MiB still held after the load");
        Assert.True(peak - baseline < 1536L << 20, $"RSS grew by {(peak - baseline) >> 20} MiB (peak {peak >> 20} MiB)");
    }
}

/// <summary>Runs its classes after every parallel collection and alone: what they measure is process-wide (RSS, GC heap).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "Load";
}
