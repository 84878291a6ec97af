namespace MantisShrimp.Host.Web;

/// <summary>A 429's body; <paramref name="retry_after_s"/> repeats the Retry-After header.</summary>
public sealed record RateLimitedResponse(string error, int retry_after_s);
