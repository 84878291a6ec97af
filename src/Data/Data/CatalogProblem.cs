namespace MantisShrimp.Engine.Data;

/// <summary>A catalog row that could not be used, with the reason.</summary>
public sealed record CatalogProblem(int Row, long Line, string Id, string Reason);
