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
/// E(B−V) used, whether the PDF was recalibrated and the target's measured S/N in PS1 r (<c>snr_r</c>); resumable through <c>OUT.journal</c>; positions that fail are listed in <c>OUT.failures.csv</c>
/// (name, ra, dec, reason) instead of stopping the run.
/// </summary>
public static class PredictRunner
{
    public static readonly string[] Extra = ["ra", "dec", "ebv_csfd", "ebv_planck", "calibrated", "snr_r"];

    /// <summary>The FITS extension name of a predict table.</summary>
    public const string Extname = "PHOTOZ";

    /// <summary>A positions file (<see cref="PositionsFile"/>: the usual RA/Dec column names, degrees or sexagesimal).</summary>
    public static List<NamedPosition> ReadPositions(string path) => PositionsFile.Read(path);

    public static PredictOutcome Run(ForcedPhotoZ service, IReadOnlyList<NamedPosition> positions, string output, bool calibrate,
        bool writePdf, bool png, TableMeta? meta = null, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        TableFile.CheckExtension(output);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        var header = new List<string>(Scorer.Columns);
        if (writePdf) header.AddRange(Enumerable.Range(0, RedshiftGrid.Classes).Select(k => $"p_{k:000}"));
        header.AddRange(Extra);
        // Under MPI each rank predicts its contiguous share into its own part (CSV, own journal and failures); rank 0 merges.
        var mpi = Distributed.MpiSession.Current;
        var (first, end) = mpi.Share(positions.Count);
        string finalOutput = output;
        if (mpi.IsDistributed) output = Distributed.RankParts.PartPath(finalOutput, mpi.Rank, mpi.Size); // parts are CSV
        string journalPath = output + ".journal", settings = "#" + string.Join(",", header) + (calibrate ? " calibrated" : "");
        var done = Data.AppendLog.ReadIndexed(journalPath, settings);
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<int, string>();
        var reasons = new System.Collections.Concurrent.ConcurrentDictionary<int, PredictFailure>();
        var pngNames = png ? PngNames(positions) : null;
        using (var journal = new Data.AppendLog(journalPath))
        {
            if (new FileInfo(journalPath).Length == 0) journal.Append(settings);
            var todo = Enumerable.Range(first, end - first).Where(i => !done.ContainsKey(i)).ToArray();
            using var task = progress.Start("predict (positions)", todo.Length);
            var options = new ParallelOptions { MaxDegreeOfParallelism = ForcedPhotoZ.MaxBatch, CancellationToken = cancel };
            Parallel.ForEachAsync(todo, options, async (i, token) =>
            {
                var pos = positions[i];
                try
                {
                    var r = await service.PredictAsync(pos.Name, pos.Ra, pos.Dec, calibrate, token);
                    string line = Line(r, writePdf);
                    lock (done) done[i] = line;
                    journal.Append(i.ToString(CultureInfo.InvariantCulture) + "," + line);
                    if (png) Figure(r, Path.ChangeExtension(output, null) + "_" + pngNames![i]);
                }
                catch (Exception e) when (e is UserInputException or UpstreamException or Fits.FitsFormatException)
                {
                    failures[i] = Csv.Line([pos.Name, F(pos.Ra), F(pos.Dec), e.Message]);
                    reasons[i] = new PredictFailure(pos.Name, e.Message, e is UpstreamException);
                }
                task.Advance();
            }).GetAwaiter().GetResult();
        }
        var order = Enumerable.Range(first, end - first).Where(done.ContainsKey).ToList();
        TableFile.Write(output, header, order.Select(i => done[i]), ["id"], meta, Extname);
        string failurePath = output + ".failures.csv";
        if (failures.IsEmpty) File.Delete(failurePath);
        else AtomicFile.WriteAllText(failurePath,
            "name,ra,dec,reason\n" + string.Join("", failures.OrderBy(kv => kv.Key).Select(kv => kv.Value + "\n")));
        if (!mpi.IsDistributed)
        {
            if (failures.IsEmpty) File.Delete(journalPath);
            return new PredictOutcome(order.Count, failures.Count, reasons.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList());
        }
        var counts = new double[] { order.Count, failures.Count };
        mpi.SumInPlace(counts);
        mpi.Barrier();
        if (mpi.IsRoot) Merge(finalOutput, mpi.Size, meta);
        mpi.Barrier();
        return new PredictOutcome((int)counts[0], (int)counts[1], reasons.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList()); // this rank's reasons
    }

    /// <summary>Rank 0: the parts (and their failure lists) in rank order into the requested output.</summary>
    private static void Merge(string output, int ranks, TableMeta? meta)
    {
        var (headerLine, lines) = Distributed.RankParts.Read(output, ranks);
        TableFile.Write(output, Csv.ParseLine(headerLine), lines, ["id"], meta, Extname);
        var failures = Enumerable.Range(0, ranks).Select(r => Distributed.RankParts.PartPath(output, r, ranks) + ".failures.csv")
            .Where(File.Exists).SelectMany(f => File.ReadLines(f).Skip(1)).ToList();
        if (failures.Count > 0)
            AtomicFile.WriteAllText(output + ".failures.csv", "name,ra,dec,reason\n" + string.Join("", failures.Select(f => f + "\n")));
        else File.Delete(output + ".failures.csv");
        for (int r = 0; r < ranks; r++)
        {
            File.Delete(Distributed.RankParts.PartPath(output, r, ranks) + ".failures.csv");
            if (failures.Count == 0) File.Delete(Distributed.RankParts.PartPath(output, r, ranks) + ".journal"); // kept while positions still fail
        }
        Distributed.RankParts.Delete(output, ranks);
    }

    public static string Line(ForcedResult r, bool writePdf)
    {
        var s = r.Summary;
        var fields = new List<string> { r.Name, "", F(s.Mean), F(s.Mode), F(s.Std), F(s.Lo68), F(s.Hi68), F(s.Lo90), F(s.Hi90) };
        if (writePdf) fields.AddRange(r.Probabilities.Select(v => v.ToString("G7", CultureInfo.InvariantCulture)));
        fields.AddRange([F(r.Ra), F(r.Dec), F(r.EbvCsfd), F(r.EbvPlanck), r.Calibrated ? "1" : "0", r.SnrR.ToString("0.###", CultureInfo.InvariantCulture)]);
        return Csv.Line(fields);
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>
    /// PNG file name parts, one per position: the position's name made safe for a file name (letters, digits, . _ + -
    /// kept, anything else _), with the index appended where two names would give the same file.
    /// </summary>
    public static string[] PngNames(IReadOnlyList<NamedPosition> positions)
    {
        var safe = positions.Select(p => SafeName(p.Name)).ToArray();
        var counts = safe.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
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
        var plot = Figures.New($"{r.Name}  RA {r.Ra:F5}  Dec {r.Dec:F5}", "redshift", "probability density");
        var z = RedshiftGrid.Centres();
        Figures.Line(plot, z, r.Probabilities.Select(p => p / RedshiftGrid.BinWidth).ToArray(), r.Calibrated ? "PDF (CalPIT)" : "PDF");
        var mean = plot.Add.VerticalLine(r.Summary.Mean);
        mean.LegendText = $"mean {r.Summary.Mean:F3}";
        var span = plot.Add.HorizontalSpan(r.Summary.Lo68, r.Summary.Hi68);
        span.LegendText = "68% interval";
        Figures.MosaicAbove(basePath + ".png", [BandCatalog.All.Select(b => (r.Sample.Band(b.Band).ToArray(), b.NativeSize)).ToList()], plot,
            labels: [BandCatalog.All.Select(b => b.Name).ToList()]);
    }
}
