namespace MantisShrimp.Host.Web;

/// <summary>Every error answer of <c>mantis serve</c>: <c>{"error": reason}</c> (no server paths, <see cref="PublicErrors"/>).</summary>
public sealed record ErrorResponse(string error);
