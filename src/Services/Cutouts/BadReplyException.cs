namespace MantisShrimp.Engine.Cutouts;

/// <summary>A reply that is not what was asked for (truncated or corrupt FITS, a malformed table): retried, never cached.</summary>
public sealed class BadReplyException(string message, Exception? inner = null) : Exception(message, inner);
