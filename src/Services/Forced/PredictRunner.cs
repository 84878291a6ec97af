using System.Globalization;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Cutouts;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Plots;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Forced;

/// <summary>A named sky position from the command line or a positions file.</summary>
public sealed record NamedPosition(string Name, double Ra, double Dec);

/// <summary>
/// <c>mantis predict</c>: one position or a positions file → the scoring columns (z_spec empty) plus ra, dec, the
/// E(B−V) used, whether the PDF was recalibrated, the target's measured S/N in PS1 r (<c>snr_r</c>), whether GALEX and unWISE
/// covered the position (<c>galex_coverage</c>, <c>unwise_coverage</c>: 0 = predicted with zeros there, as the training set stores
/// no coverage) and whether a PS1 band over the NaN rule was filled (<c>nan_filled</c>, <c>--allow-nan</c>); streamed through
/// <see cref="ForcedPipeline"/>; resumable through <c>OUT.journal</c>; positions that fail are listed in <c>OUT.failures.csv</c>
/// (name, ra, dec, reason) instead of stopping the run.
/// </summary>
public static class PredictRunner
{
    /// <summary>One of predict's columns after the PDF: its name, its value in a result, and that value's CSV text.</summary>
    private sealed record ResultColumn(string Name, Func<ForcedResult, double> Value, Func<double, string> Format);

    private static readonly ResultColumn[] ResultColumns =
    [
        new("ra", r => r.Ra, F), new("dec", r => r.Dec, F), new("ebv_csfd", r => r.EbvCsfd, F),
        new("ebv_planck", r => r.EbvPlanck, F), new("calibrated", r => Flag(r.Calibrated), F),
        new("snr_r", r => r.SnrR, v => double.IsNaN(v) ? "" : v.ToString("0.###", CultureInfo.InvariantCulture)), // empty: --no-snr
        new("galex_coverage", r => Flag(r.GalexCoverage), F), new("unwise_coverage", r => Flag(r.UnwiseCoverage), F),
        new("nan_filled", r => Flag(r.NanFilled), F),
    ];

    /// <summary>The names of predict's columns after the PDF (<see cref="Schema"/>).</summary>
    public static readonly string[] Extra = ResultColumns.Select(c => c.Name).ToArray();

    /// <summary>The FITS extension name of a predict table.</summary>
    public const string Extname = "PHOTOZ";

    /// <summary>A positions file (<see cref="PositionsFile"/>: the usual RA/Dec column names, degrees or sexagesimal).</summary>
    public static List<NamedPosition> ReadPositions(string path) => PositionsFile.Read(path);

    public static PredictOutcome Run(ForcedPhotoZ service, IReadOnlyList<NamedPosition> positions, string output, bool calibrate,
        bool writePdf, bool png, TableMeta? meta = null, IProgressReporter? progress = null, ForcedPipelineOptions? stream = null,
        CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        var schema = Schema(writePdf);
        // Under MPI each rank predicts its contiguous share into its own part (own journal and failures); rank 0 merges.
        var job = new Distributed.ShardedJob(output, positions.Count);
        var mpi = job.Mpi;
        output = job.Target;
        var options = (stream ?? new ForcedPipelineOptions()) with { Calibrate = calibrate, KeepCutouts = png };
        var fingerprint = new Distributed.JobFingerprint(("columns", string.Join(",", schema.Header)),
            ("calibrated", calibrate ? "yes" : "no"), ("snr_r", options.SignalToNoise || calibrate ? "measured" : "not measured"));
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<int, string>();
        var reasons = new System.Collections.Concurrent.ConcurrentDictionary<int, PredictFailure>();
        var pngNames = png ? PngNames(positions) : null;
        List<TableRow> rows;
        using (var journal = Distributed.JobJournal.Open(job.JournalPath, fingerprint))
        {
            var todo = job.Items.Where(i => !journal.IsDone(i)).ToArray();
            using var task = progress.Start("predict (positions)", todo.Length);
            // Items arrive in input order: the journal, and so the output, hold the rows as the positions file does.
            ForcedPipeline.Run(service, positions, todo, options, item =>
            {
                int i = item.Index;
                var pos = positions[i];
                if (item.Result is { } r)
                {
                    journal.Record(i, Line(r, writePdf));
                    if (png) Figure(r, Path.ChangeExtension(output, null) + "_" + pngNames![i]);
                }
                else
                {
                    var e = item.Error!;
                    failures[i] = Csv.Line([pos.Name, F(pos.Ra), F(pos.Dec), e.Message]);
                    reasons[i] = new PredictFailure(pos.Name, e.Message, e is UpstreamException);
                }
                task.Advance();
            }, cancel);
            rows = job.Items.Where(journal.IsDone).Select(i => schema.Parse(Csv.ParseLine(journal[i]), journal.Path)).ToList();
        }
        job.WriteShare(schema, rows, meta);
        string failurePath = output + ".failures.csv";
        if (failures.IsEmpty) File.Delete(failurePath);
        else AtomicFile.WriteAllText(failurePath,
            "name,ra,dec,reason\n" + string.Join("", failures.OrderBy(kv => kv.Key).Select(kv => kv.Value + "\n")));
        if (!mpi.IsDistributed)
        {
            if (failures.IsEmpty) File.Delete(job.JournalPath);
            return new PredictOutcome(rows.Count, failures.Count, reasons.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList());
        }
        var counts = new double[] { rows.Count, failures.Count };
        mpi.SumInPlace(counts);
        job.Merge(schema, meta, rows.Count, () => MergeFailures(job.Output, mpi.Size));
        return new PredictOutcome((int)counts[0], (int)counts[1],
            reasons.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList()); // this rank's reasons
    }

    /// <summary>
    /// The predict table's columns: <see cref="PdfColumns.Leading"/> (z_spec empty), the PDF with --pdf, then
    /// <see cref="Extra"/>. Every value is a double read back from its journalled text (<see cref="Line"/>: 6 decimals), as
    /// these tables have always held it.
    /// </summary>
    public static TableSchema Schema(bool writePdf)
    {
        var columns = new List<TableColumn>
        {
            new(PdfColumns.Id, ColumnKind.Text), new(PdfColumns.ZSpec, ColumnKind.Double, v => double.IsNaN(v) ? "" : F(v)),
        };
        columns.AddRange(PdfColumns.Summary.Select(c => c.TableColumn));
        if (writePdf) columns.AddRange(PdfColumns.Probabilities(ColumnKind.Double));
        columns.AddRange(ResultColumns.Select(c => new TableColumn(c.Name, ColumnKind.Double, c.Format)));
        return new TableSchema(columns, Extname);
    }

    /// <summary>Rank 0, before the parts are deleted: their failure lists in rank order into OUT.failures.csv.</summary>
    private static void MergeFailures(string output, int ranks)
    {
        var parts = Enumerable.Range(0, ranks).Select(r => Distributed.ShardedJob.PartPath(output, r, ranks)).ToArray();
        var failures = parts.Select(p => p + ".failures.csv").Where(File.Exists).SelectMany(f => File.ReadLines(f).Skip(1)).ToList();
        if (failures.Count > 0)
            AtomicFile.WriteAllText(output + ".failures.csv", "name,ra,dec,reason\n" + string.Join("", failures.Select(f => f + "\n")));
        else File.Delete(output + ".failures.csv");
        foreach (var part in parts)
        {
            File.Delete(part + ".failures.csv");
            if (failures.Count == 0) File.Delete(part + ".journal"); // kept while positions still fail
        }
    }

    /// <summary>A result's journal line: the <see cref="Schema"/>'s fields, z_spec empty, the PDF as float text.</summary>
    public static string Line(ForcedResult r, bool writePdf)
    {
        var fields = new List<string> { r.Name, "" };
        fields.AddRange(PdfColumns.Summary.Select(c => F(c.Value(r.Summary))));
        if (writePdf) fields.AddRange(r.Probabilities.Select(v => v.ToString("G7", CultureInfo.InvariantCulture)));
        fields.AddRange(ResultColumns.Select(c => c.Format(c.Value(r))));
        return Csv.Line(fields);
    }

    private static double Flag(bool value) => value ? 1 : 0;
    private static string F(double v) => PdfColumns.Decimals(v);

    /// <summary>
    /// PNG file name parts, one per position: the position's name made safe for a file name (letters, digits, . _ + -
    /// kept, anything else _), with the index appended where two names would give the same file.
    /// </summary>
    public static string[] PngNames(IReadOnlyList<NamedPosition> positions)
    {
        var safe = positions.Select(p => SafeName(p.Name)).ToArray();
        var counts = safe.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(),
            StringComparer.OrdinalIgnoreCase);
        return safe.Select((n, i) => counts[n] > 1 ? $"{n}_{i:000000}" : n).ToArray();
    }

    public static string SafeName(string name)
    {
        var chars = name.Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or '-' ? c : '_').ToArray();
        string s = new string(chars).Trim('.');
        return s.Length == 0 ? "position" : s.Length > 80 ? s[..80] : s;
    }

    /// <summary>The reference's figure, BASE.png: the 9 cutouts (FUV … W2) above the PDF with its mean and 68% interval.</summary>
    public static void Figure(ForcedResult r, string basePath)
    {
        var sample = r.Sample ?? throw new ArgumentException($"{r.Name}: the result holds no cutouts (the pipeline was not asked to " +
            "keep them)", nameof(r));
        var plot = Figures.New($"{r.Name}  RA {r.Ra:F5}  Dec {r.Dec:F5}", "redshift", "probability density");
        var z = RedshiftGrid.Centres();
        Figures.Line(plot, z, r.Probabilities.Select(p => p / RedshiftGrid.BinWidth).ToArray(), r.Calibrated ? "PDF (CalPIT)" : "PDF");
        var mean = plot.Add.VerticalLine(r.Summary.Mean);
        mean.LegendText = $"mean {r.Summary.Mean:F3}";
        var span = plot.Add.HorizontalSpan(r.Summary.Lo68, r.Summary.Hi68);
        span.LegendText = "68% interval";
        Figures.MosaicAbove(basePath + ".png", [BandTable.All.Select(b => (sample.Band(b.Band).ToArray(), b.NativeSize)).ToList()],
            plot,
            labels: [BandTable.All.Select(b => b.Name).ToList()]);
    }
}
