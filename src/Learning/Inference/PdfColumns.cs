using System.Globalization;

namespace MantisShrimp.Engine.Inference;

/// <summary>
/// The columns every redshift-PDF table shares, defined once: score's and predict's files open with <see cref="Id"/>,
/// <see cref="ZSpec"/> and <see cref="Summary"/> (then the class probabilities <see cref="Probability"/> with --pdf), and
/// serve's <c>/predict</c> response carries <see cref="Summary"/> under the same names. The names are a contract.
/// </summary>
public static class PdfColumns
{
    public const string Id = "id";
    public const string ZSpec = "z_spec";

    /// <summary>The summaries of a PDF (<see cref="PdfSummary.From"/>), in table order.</summary>
    public static readonly IReadOnlyList<PdfSummaryColumn> Summary =
    [
        new("z_mean", s => s.Mean, "mean redshift of the PDF"),
        new("z_mode", s => s.Mode, "centre of the most probable redshift class"),
        new("z_std", s => s.Std, "standard deviation of the PDF about z_mean"),
        new("z_lo68", s => s.Lo68, "16% quantile: lower end of the central 68% interval"),
        new("z_hi68", s => s.Hi68, "84% quantile: upper end of the central 68% interval"),
        new("z_lo90", s => s.Lo90, "5% quantile: lower end of the central 90% interval"),
        new("z_hi90", s => s.Hi90, "95% quantile: upper end of the central 90% interval"),
    ];

    /// <summary>The leading columns of score's and predict's tables: id, z_spec, then the summaries.</summary>
    public static readonly IReadOnlyList<string> Leading = [Id, ZSpec, .. Summary.Select(c => c.Name)];

    /// <summary>A summary's CSV text (and any redshift's or coordinate's): at most 6 decimals, invariant.</summary>
    public static string Decimals(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>The column of class <paramref name="k"/>'s probability: p_000 … p_399.</summary>
    public static string Probability(int k) => $"p_{k:000}";

    /// <summary>
    /// The <see cref="RedshiftGrid.Classes"/> probability columns, 7 significant digits of the value as stored: a
    /// <see cref="ColumnKind.Float"/> (score) formats the float, a <see cref="ColumnKind.Double"/> (predict, read back from its
    /// journal's text) the double; each table keeps the kind it has always had.
    /// </summary>
    public static IEnumerable<TableColumn> Probabilities(ColumnKind kind)
    {
        Func<double, string> format = kind switch
        {
            ColumnKind.Float => v => ((float)v).ToString("G7", CultureInfo.InvariantCulture),
            ColumnKind.Double => v => v.ToString("G7", CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "probabilities are numbers"),
        };
        return Enumerable.Range(0, RedshiftGrid.Classes).Select(k => new TableColumn(Probability(k), kind, format));
    }
}
