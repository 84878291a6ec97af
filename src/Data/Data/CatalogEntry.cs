namespace MantisShrimp.Engine.Data;

/// <summary>One catalog row whose required fields parsed.</summary>
public sealed record CatalogEntry(
    int Row, long Line, string Id, double Ra, double Dec, double Z, double EbvCsfd, double EbvPlanck, string[] Extra);
