namespace MantisShrimp.Engine.Cutouts;

/// <summary>An upstream service failed for good (after retries): the message says which request and why.</summary>
public sealed class UpstreamException(string message, bool timedOut = false, Exception? inner = null) : Exception(message, inner)
{
    public bool TimedOut { get; } = timedOut;

    /// <summary>The HTTP status of a final non-transient answer (404: the service has no cutout there), else null.</summary>
    public int? StatusCode { get; init; }
}
