namespace MantisShrimp.Host.Web;

/// <summary>What an operator tunes on <c>mantis serve</c> (docs/serve.md lists the guarantees these bound).</summary>
public sealed record WebOptions
{
    /// <summary>POST /predict: requests per minute per client address (a token bucket refilled every 10 s).</summary>
    public int PermitsPerMinute { get; init; } = 600;

    /// <summary>GET /, /openapi.json, /cutouts: requests per minute per client address. /health is never limited.</summary>
    public int PagePermitsPerMinute { get; init; } = 6000;

    /// <summary>Requests over the rate that wait for a token before a 429 (per client).</summary>
    public int QueueLimit { get; init; } = 64;

    /// <summary>Bytes the cutout-mosaic cache may hold (oldest results dropped first).</summary>
    public long CutoutCacheBytes { get; init; } = 64L << 20;

    /// <summary>How long a shutdown (SIGTERM, SIGINT) waits for requests in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
