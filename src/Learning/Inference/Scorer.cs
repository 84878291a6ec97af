using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Diagnostics;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Engine.Training;
using TorchSharp;

namespace MantisShrimp.Engine.Inference;

public sealed record ScoreOptions(string Model, string Data, string Split, string Out)
{
    public bool WritePdf { get; init; }
    public int Tta { get; init; } = 1;
    public int BatchSize { get; init; } = 32;
    public string Device { get; init; } = "auto";
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>A <c>mantis calibrate</c> folder: PDFs are recalibrated with CalPIT before they are summarised.</summary>
    public string? Calibration { get; init; }
    /// <summary>Bands whose measured target S/N is written as <c>snr_BAND</c> columns (source extraction: ≈ 4 ms per band and galaxy).</summary>
    public IReadOnlyList<Band> SnrBands { get; init; } = [];
}

/// <summary>
/// <c>mantis score</c>: one row per galaxy of a split, in shard order — id, z_spec, z_mean, z_mode, z_std,
/// z_lo68, z_hi68, z_lo90, z_hi90, then p_000 … p_399 with --pdf, then the catalog's extra columns (from the shard
/// metadata, e.g. population, mag_r) for per-population evaluation, then with --snr one <c>snr_BAND</c> column per band:
/// the target's measured S/N (Kron flux or static aperture over its background-limited error; docs/shapley.md).
/// </summary>
public static class Scorer
{
    public static readonly string[] Columns = ["id", "z_spec", "z_mean", "z_mode", "z_std", "z_lo68", "z_hi68", "z_lo90", "z_hi90"];

    public static int Run(ScoreOptions o, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        if (!Splits.All.Contains(o.Split)) throw new UserInputException($"--split must be one of {string.Join(", ", Splits.All)}");
        CheckOutput(o.Out);
        using var set = ShardSet.Open(o.Data);
        var device = TorchDevice.Resolve(o.Device);
        var load = StageTimings.Stage("load_model");
        var (state, model) = Checkpoint.Load(o.Model);
        load.Dispose();
        var meta = new TableMeta(Path.GetFullPath(o.Model), state.Options.Seed, "training seed of the model");
        model.to(device);
        using var calibration = o.Calibration is null ? null : Calibration.Recalibrators.Load(o.Calibration);
        var mpi = Distributed.MpiSession.Current;
        var records = SequentialSampler.Records(set, o.Split);
        var (start, end) = mpi.Share(records.Length);
        string target = mpi.IsDistributed ? Distributed.RankParts.PartPath(o.Out, mpi.Rank, mpi.Size) : o.Out;
        int rows = end - start;
        if (!(mpi.IsDistributed && File.Exists(target))) // a finished part of an earlier run is kept
        {
            var predictions = Predictor.Predict(model, set, records[start..end], device, o.BatchSize, o.Tta, o.Workers, cancel);
            if (calibration is not null) predictions = Calibration.CalibrationRunner.Apply(calibration, set, predictions);
            var centres = Models.ModelCard.Of(model.Config).ClassValues(model.Config.Classes);
            rows = Write(predictions, set, o.Split, target, o.WritePdf, progress, end - start, o.SnrBands, centres, meta);
        }
        model.Dispose();
        if (mpi.IsDistributed)
        {
            mpi.Barrier();
            if (mpi.IsRoot) rows = Merge(o.Out, mpi.Size, o.WritePdf, meta);
            mpi.Barrier();
        }
        return rows;
    }

    /// <summary>Rank 0: the ranks' CSV parts, in rank (= input) order, into the requested file (any <see cref="TableFile"/> format).</summary>
    private static int Merge(string output, int ranks, bool writePdf, TableMeta meta)
    {
        var (header, lines) = Distributed.RankParts.Read(output, ranks);
        int rows = 0;
        if (output.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            // Typed columns, as a one-process run writes them (ParquetScores), not TableFile's all-double table.
            int pdf = writePdf ? RedshiftGrid.Classes : 0;
            AtomicFile.WriteVia(output, tmp =>
            {
                using var table = new ParquetScores(tmp, Csv.ParseLine(header), pdf);
                foreach (var line in lines)
                {
                    var f = Csv.ParseLine(line);
                    var summaries = f.Skip(1).Take(8).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                    var p = f.Skip(9).Take(pdf).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                    table.Add(f[0], summaries, writePdf ? p : null, f.Skip(9 + pdf).ToArray());
                    rows++;
                }
            });
        }
        else TableFile.Write(output, Csv.ParseLine(header), lines.Select(l => { rows++; return l; }), StringColumns, meta, Extname);
        Distributed.RankParts.Delete(output, ranks);
        return rows;
    }

    private static void CheckOutput(string path) => TableFile.CheckExtension(path);

    /// <summary>The FITS extension name of a scores table.</summary>
    public const string Extname = "SCORES";

    /// <summary>The text columns of a scores table; the catalog's extras are typed from their values by <see cref="TableFile"/>.</summary>
    private static readonly string[] StringColumns = ["id"];

    /// <summary>Writes predictions (any estimator's) of a split's records as a scores file (any <see cref="TableFile"/> format).</summary>
    public static int Write(IEnumerable<Prediction> predictions, ShardSet set, string split, string outPath, bool writePdf, IProgressReporter? progress = null,
        long? total = null, IReadOnlyList<Band>? snrBands = null, double[]? centres = null, TableMeta? tableMeta = null)
    {
        snrBands ??= [];
        progress ??= NullProgress.Instance;
        CheckOutput(outPath);
        bool parquet = TableFile.IsParquet(outPath);
        // FITS needs every row before its header (row count, string widths) and FITS and ECSV type the catalog's extra
        // columns from their values: those rows go through TableFile at the end.
        List<string>? held = TableFile.IsFits(outPath) || TableFile.IsEcsv(outPath) ? [] : null;
        var extra = (set.Shards.Count > 0 ? set.Shards[0] : null)?.Meta.Header.Skip(8).ToArray() ?? [];
        var header = new List<string>(Columns);
        if (writePdf) header.AddRange(Enumerable.Range(0, RedshiftGrid.Classes).Select(k => $"p_{k:000}"));
        header.AddRange(extra.Where(e => !header.Contains(e)));
        header.AddRange(snrBands.Select(SnrColumn));
        if (header.Distinct().Count() != header.Count) throw new UserInputException($"{outPath}: the catalog's extra columns already hold {string.Join(", ", snrBands.Select(SnrColumn))}");
        long expected = total ?? set.ForSplit(split).Sum(s => (long)s.Count);
        int rows = 0;
        void Body(string? tmp)
        {
        using (var writer = parquet || held is not null ? null : new StreamWriter(tmp!, false, new UTF8Encoding(false)))
        using (var table = parquet ? new ParquetScores(tmp!, header, writePdf ? RedshiftGrid.Classes : 0) : null)
        using (var task = progress.Start("scoring", expected))
        {
            writer?.Write(Csv.Line(header));
            writer?.Write('\n');
            if (snrBands.Count == 0)
                foreach (var p in predictions) WriteRow(p, [], writer, table, task);
            else // source extraction is the slow part of S/N: a chunk of galaxies at a time, in parallel
                foreach (var chunk in predictions.Chunk(256))
                {
                    var snr = new string[chunk.Length][];
                    using (StageTimings.Stage("snr", chunk.Length))
                        Parallel.For(0, chunk.Length, i => snr[i] = SignalToNoise(set, chunk[i].Record, snrBands));
                    for (int i = 0; i < chunk.Length; i++) WriteRow(chunk[i], snr[i], writer, table, task);
                }
        }
        }
        if (held is null) AtomicFile.WriteVia(outPath, Body);
        else
        {
            Body(null);
            TableFile.Write(outPath, header, held, StringColumns, tableMeta, Extname);
        }
        return rows;

        void WriteRow(Prediction p, string[] snr, StreamWriter? writer, ParquetScores? table, IProgressTask task)
        {
            var shard = set.Shards[p.Record.Shard];
            var meta = shard.Meta.Rows[p.Record.Slot];
            var summary = StageTimings.Stage("pdf_summaries", 1);
            var s = PdfSummary.From(p.Probabilities, centres);
            summary.Dispose();
            using var _ = StageTimings.Stage("write", 1);
            var extras = meta.Skip(8).Take(extra.Length).Where((_, i) => !Columns.Contains(extra[i])).Concat(snr).ToArray();
            if (table is not null)
                table.Add(meta[1], [p.ZSpec, s.Mean, s.Mode, s.Std, s.Lo68, s.Hi68, s.Lo90, s.Hi90], writePdf ? p.Probabilities : null, extras);
            else
            {
                var fields = new List<string> { meta[1], F(p.ZSpec), F(s.Mean), F(s.Mode), F(s.Std), F(s.Lo68), F(s.Hi68), F(s.Lo90), F(s.Hi90) };
                if (writePdf) fields.AddRange(p.Probabilities.Select(v => v.ToString("G7", CultureInfo.InvariantCulture)));
                fields.AddRange(extras);
                if (held is not null) held.Add(Csv.Line(fields));
                else
                {
                    writer!.Write(Csv.Line(fields));
                    writer.Write('\n');
                }
            }
            rows++;
            task.Advance();
        }

        static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
    }

    private static string[] SignalToNoise(ShardSet set, RecordRef record, IReadOnlyList<Band> bands)
    {
        var targets = PhotometryTable.Of(set, record);
        var values = new string[bands.Count];
        for (int b = 0; b < bands.Count; b++)
            values[b] = targets[BandCatalog.Get(bands[b]).Channel].SignalToNoise.ToString("0.###", CultureInfo.InvariantCulture);
        return values;
    }

    /// <summary>The scores column of a band's measured S/N.</summary>
    public static string SnrColumn(Band band) => "snr_" + BandCatalog.Get(band).Name;
}
