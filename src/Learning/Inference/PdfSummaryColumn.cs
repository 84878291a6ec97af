namespace MantisShrimp.Engine.Inference;

/// <summary>
/// One PDF-summary column (<see cref="PdfColumns.Summary"/>): its name — a column of score's and predict's tables and a key
/// of serve's <c>/predict</c> JSON — its value from a <see cref="PdfSummary"/>, and what it means (the OpenAPI description).
/// </summary>
public sealed record PdfSummaryColumn(string Name, Func<PdfSummary, double> Value, string Description)
{
    /// <summary>The column in a results table: a double, its CSV text <see cref="PdfColumns.Decimals"/>.</summary>
    public TableColumn TableColumn { get; } = new(Name, ColumnKind.Double, PdfColumns.Decimals);
}
