using System.Globalization;
using System.Net;
using MantisShrimp.Engine.Fits;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>
/// The HTTP side of the cutout clients: one <see cref="HttpClient"/>, a concurrency limit, a per-host rate limit
/// and a Polly pipeline — per-attempt timeout, retries with exponential backoff and jitter on network errors,
/// timeouts, HTTP 408/429/5xx and bad bodies (the validator throws <see cref="BadReplyException"/>).
/// </summary>
public sealed class ResilientHttp : IDisposable
{
    private readonly HttpClient _client;
    private readonly SemaphoreSlim _concurrency;
    private readonly Dictionary<string, DateTime> _nextStart = new();
    private readonly Lock _rateLock = new();
    private readonly ResiliencePipeline _pipeline;
    private readonly CutoutServiceOptions _options;

    public ResilientHttp(CutoutServiceOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _client.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's per-attempt timeout governs
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("MantisShrimp.NET/1.0 (photometric redshifts; +https://github.com/)");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, nameof(options.MaxConcurrency));
        _concurrency = new SemaphoreSlim(options.MaxConcurrency);
        var pipeline = new ResiliencePipelineBuilder();
        if (options.Retries > 0) // Polly refuses a retry strategy of zero attempts
            pipeline.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BackoffBase,
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>().Handle<TimeoutRejectedException>().Handle<BadReplyException>()
                    .Handle<IOException>().Handle<TransientStatusException>(),
                OnRetry = _ => { Diagnostics.EngineMetrics.Retries.Add(1); return default; },
            });
        _pipeline = pipeline
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>Status codes worth another try.</summary>
    private sealed class TransientStatusException(HttpStatusCode code, string url) : Exception($"{url}: HTTP {(int)code} {code}");

    public CutoutServiceOptions Options => _options;

    /// <summary>Sends a request built fresh for each attempt and validates the whole body; returns what the validator returns.</summary>
    public async Task<T> SendAsync<T>(Func<HttpRequestMessage> request, Func<byte[], T> validate, CancellationToken cancel)
    {
        string described = "";
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                using var message = request();
                described = $"{message.Method} {message.RequestUri}";
                await WaitForHost(message.RequestUri!, token);
                await _concurrency.WaitAsync(token);
                try
                {
                    using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token);
                    if (response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                        || (int)response.StatusCode >= 500)
                        throw new TransientStatusException(response.StatusCode, described);
                    if (!response.IsSuccessStatusCode)
                        throw new UpstreamException($"{described}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}") { StatusCode =
                            (int)response.StatusCode };
                    var body = await response.Content.ReadAsByteArrayAsync(token);
                    if (response.Content.Headers.ContentLength is long length && length != body.Length)
                        throw new BadReplyException($"{described}: body of {body.Length} bytes, {length} announced");
                    return validate(body);
                }
                finally { _concurrency.Release(); }
            }, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { throw; }
        catch (UpstreamException) { throw; }
        catch (TimeoutRejectedException e) { throw new UpstreamException($"{described}: no complete reply within " +
            $"{_options.AttemptTimeout.TotalSeconds:F0} s after {_options.Retries + 1} attempts", true, e); }
        catch (Exception e) when (e is HttpRequestException or BadReplyException or IOException or TransientStatusException)
        {
            throw new UpstreamException($"{described}: failed after {_options.Retries + 1} attempts: {e.Message}", false, e);
        }
    }

    private async Task WaitForHost(Uri uri, CancellationToken cancel)
    {
        TimeSpan wait;
        lock (_rateLock)
        {
            var now = DateTime.UtcNow;
            var next = _nextStart.GetValueOrDefault(uri.Authority, now);
            if (next < now) next = now;
            wait = next - now;
            _nextStart[uri.Authority] = next + _options.PerHostInterval;
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, cancel);
    }

    /// <summary>A validator for FITS replies: the body must parse as FITS with an image.</summary>
    public static byte[] RequireFits(byte[] body, string what)
    {
        try
        {
            using var file = FitsFile.Open(new MemoryStream(body, writable: false), what);
            file.ReadImage(file.FirstImageHdu()); // every byte of the image must be there
        }
        catch (FitsFormatException e) { throw new BadReplyException($"{what}: not a complete FITS image ({e.Message})", e); }
        catch (EndOfStreamException e) { throw new BadReplyException($"{what}: truncated FITS ({e.Message})", e); }
        return body;
    }

    public void Dispose()
    {
        _client.Dispose();
        _concurrency.Dispose();
    }

    internal static string F(double v) => v.ToString("0.0######", CultureInfo.InvariantCulture);
}
