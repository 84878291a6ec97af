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

    /// <summary>Reads name/ra/dec (or NAME/RA/DEC, id/ra/dec) columns; a bad row is an error naming file, line and field.</summary>
    public static List<NamedPosition> ReadPositions(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"positions file not found: {path}");
        using var reader = new StreamReader(path);
        var rows = Csv.Read(reader, path).ToList();
        if (rows.Count == 0) throw new UserInputException($"{path}: empty file");
        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int name = Array.IndexOf(header, "name"), ra = Array.IndexOf(header, "ra"), dec = Array.IndexOf(header, "dec");
        if (name < 0) name = Array.IndexOf(header, "id");
        if (ra < 0 || dec < 0) throw new UserInputException($"{path}: the header needs ra and dec columns (and name or id); got '{string.Join(",", rows[0].Fields)}'");
        var result = new List<NamedPosition>();
        foreach (var (line, f) in rows.Skip(1))
        {
            double Parse(int c, string field) => c < f.Length && double.TryParse(f[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new UserInputException($"{path}, line {line}: {field} is not a number ('{(c < f.Length ? f[c] : "")}')");
            result.Add(new NamedPosition(name >= 0 && name < f.Length ? f[name] : $"pos{result.Count}", Parse(ra, "ra"), Parse(dec, "dec")));
        }
        return result;
    }

    public static (int Done, int Failed) Run(ForcedPhotoZ service, IReadOnlyList<NamedPosition> positions, string output, bool calibrate,
        bool writePdf, bool png, IProgressReporter? progress = null, CancellationToken cancel = default, TableMeta? meta = null)
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
                    if (png) Figure(r, Path.ChangeExtension(output, null) + $"_{i:000000}");
                }
                catch (Exception e) when (e is UserInputException or UpstreamException or Fits.FitsFormatException)
                {
                    failures[i] = Csv.Line([pos.Name, F(pos.Ra), F(pos.Dec), e.Message]);
                }
                task.Advance();
            }).GetAwaiter().GetResult();
        }
        var order = Enumerable.Range(first, end - first).Where(done.ContainsKey).ToList();
        TableFile.Write(output, header, order.Select(i => done[i]), ["id"], meta, Extname);
        string failurePath = output + ".failures.csv";
        if (failures.IsEmpty) File.Delete(failurePath);
        else File.WriteAllText(failurePath, "name,ra,dec,reason\n" + string.Join("", failures.OrderBy(kv => kv.Key).Select(kv => kv.Value + "\n")));
        if (!mpi.IsDistributed)
        {
            if (failures.IsEmpty) File.Delete(journalPath);
            return (order.Count, failures.Count);
        }
        var counts = new double[] { order.Count, failures.Count };
        mpi.SumInPlace(counts);
        mpi.Barrier();
        if (mpi.IsRoot) Merge(finalOutput, mpi.Size, meta);
        mpi.Barrier();
        return ((int)counts[0], (int)counts[1]);
    }

    /// <summary>Rank 0: the parts (and their failure lists) in rank order into the requested output.</summary>
    private static void Merge(string output, int ranks, TableMeta? meta)
    {
        var (headerLine, lines) = Distributed.RankParts.Read(output, ranks);
        TableFile.Write(output, Csv.ParseLine(headerLine), lines, ["id"], meta, Extname);
        var failures = Enumerable.Range(0, ranks).Select(r => Distributed.RankParts.PartPath(output, r, ranks) + ".failures.csv")
            .Where(File.Exists).SelectMany(f => File.ReadLines(f).Skip(1)).ToList();
        if (failures.Count > 0) File.WriteAllText(output + ".failures.csv", "name,ra,dec,reason\n" + string.Join("", failures.Select(f => f + "\n")));
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
        Figures.MosaicAbove(basePath + ".png", [BandCatalog.All.Select(b => (r.Sample.Band(b.Band).ToArray(), b.NativeSize)).ToList()], plot);
    }
}
