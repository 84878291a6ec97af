using System.Globalization;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Diagnostics;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
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
    /// <summary>Bands whose measured target S/N is written as <c>snr_BAND</c> columns (source extraction: ≈ 4 ms per band and
    /// galaxy).</summary>
    public IReadOnlyList<Band> SnrBands { get; init; } = [];
    /// <summary>Backbone arithmetic (<c>--precision</c>); the PDF and its summaries are float32 either way.</summary>
    public InferencePrecision Precision { get; init; } = InferencePrecision.Fp32;
}

/// <summary>
/// <c>mantis score</c>: one row per galaxy of a split, in shard order — <see cref="PdfColumns.Leading"/> (id, z_spec,
/// z_mean, z_mode, z_std, z_lo68, z_hi68, z_lo90, z_hi90), then p_000 … p_399 with --pdf, then the catalog's extra columns
/// (from the shard metadata, e.g. population, mag_r) for per-population evaluation, then with --snr one <c>snr_BAND</c>
/// column per band: the target's measured S/N (Kron flux or static aperture over its background-limited error;
/// docs/shapley.md).
/// </summary>
public static class Scorer
{

    public static int Run(ScoreOptions o, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        if (!Splits.All.Contains(o.Split)) throw new UserInputException($"--split must be one of {string.Join(", ", Splits.All)}");
        TableFile.CheckExtension(o.Out);
        using var set = ShardSet.Open(o.Data);
        var device = TorchDevice.Resolve(o.Device);
        var load = StageTimings.Stage("load_model");
        var (state, model) = Checkpoint.Load(o.Model);
        load.Dispose();
        var meta = new TableMeta(Path.GetFullPath(o.Model), state.Options.Seed, "training seed of the model");
        model.to(device);
        model.UsePrecision(o.Precision, device);
        using var calibration = o.Calibration is null ? null : Calibration.Recalibrators.Load(o.Calibration);
        var records = SequentialSampler.Records(set, o.Split);
        var job = new Distributed.ShardedJob(o.Out, records.Length);
        var layout = Layout(o.Out, set, o.WritePdf, o.SnrBands);
        int rows = job.Count;
        if (!job.PartDone) // a finished part of an earlier run is kept
        {
            var predictions = Predictor.Predict(model, set, records[job.First..job.End], device, o.BatchSize, o.Tta, o.Workers, cancel);
            if (calibration is not null) predictions = CalibrationRunner.Apply(calibration, set, predictions);
            var centres = Models.ModelCard.Of(model.Config).ClassValues(model.Config.Classes);
            rows = Write(predictions, set, o.Split, job.Target, o.WritePdf, progress, job.Count, o.SnrBands, centres, meta);
        }
        model.Dispose();
        return job.Merge(layout.Schema, meta, rows);
    }

    /// <summary>The FITS extension name of a scores table.</summary>
    public const string Extname = "SCORES";

    /// <summary>
    /// A scores table's columns (see the class summary) and which of the shards' catalog extras it keeps (those
    /// whose names are not already columns).
    /// </summary>
    private sealed record ScoreLayout(TableSchema Schema, int[] KeptExtras);

    private static ScoreLayout Layout(string outPath, ShardSet set, bool writePdf, IReadOnlyList<Band> snrBands)
    {
        var extra = (set.Shards.Count > 0 ? set.Shards[0] : null)?.Meta.Header.Skip(8).ToArray() ?? [];
        var columns = new List<TableColumn>
        {
            new(PdfColumns.Id, ColumnKind.Text), new(PdfColumns.ZSpec, ColumnKind.Double, PdfColumns.Decimals),
        };
        columns.AddRange(PdfColumns.Summary.Select(c => c.TableColumn));
        if (writePdf) columns.AddRange(PdfColumns.Probabilities(ColumnKind.Float));
        var kept = new List<int>();
        for (int i = 0; i < extra.Length; i++)
            if (!columns.Any(c => c.Name == extra[i]))
            {
                kept.Add(i);
                columns.Add(new TableColumn(extra[i], ColumnKind.Catalog));
            }
        var snr = snrBands.Select(SnrColumn).ToArray();
        if (snr.Any(n => columns.Any(c => c.Name == n)) || snr.Distinct().Count() != snr.Length)
            throw new UserInputException($"{outPath}: the catalog's extra columns already hold {string.Join(", ", snr)}");
        columns.AddRange(snr.Select(n => new TableColumn(n, ColumnKind.Catalog)));
        return new ScoreLayout(new TableSchema(columns, Extname), kept.ToArray());
    }

    /// <summary>Writes predictions (any estimator's) of a split's records as a scores file (any <see cref="TableFile"/> format).</summary>
    public static int Write(IEnumerable<Prediction> predictions, ShardSet set, string split, string outPath, bool writePdf,
        IProgressReporter? progress = null,
        long? total = null, IReadOnlyList<Band>? snrBands = null, double[]? centres = null, TableMeta? tableMeta = null)
    {
        snrBands ??= [];
        progress ??= NullProgress.Instance;
        TableFile.CheckExtension(outPath);
        var layout = Layout(outPath, set, writePdf, snrBands);
        using var task = progress.Start("scoring", total ?? set.ForSplit(split).Sum(s => (long)s.Count));
        return TableWriter.Write(outPath, layout.Schema, Rows(predictions, set, layout, writePdf, snrBands, centres, task), tableMeta);
    }

    private static IEnumerable<TableRow> Rows(IEnumerable<Prediction> predictions, ShardSet set, ScoreLayout layout, bool writePdf,
        IReadOnlyList<Band> snrBands, double[]? centres, IProgressTask task)
    {
        if (snrBands.Count == 0)
            foreach (var p in predictions)
            {
                var row = Row(p, []);
                using (StageTimings.Stage("write", 1)) yield return row; // the table writer's time on the row
            }
        else // source extraction is the slow part of S/N: a chunk of galaxies at a time, in parallel
            foreach (var chunk in predictions.Chunk(256))
            {
                var snr = new string[chunk.Length][];
                using (StageTimings.Stage("snr", chunk.Length))
                    Parallel.For(0, chunk.Length, i => snr[i] = SignalToNoise(set, chunk[i].Record, snrBands));
                for (int i = 0; i < chunk.Length; i++)
                {
                    var row = Row(chunk[i], snr[i]);
                    using (StageTimings.Stage("write", 1)) yield return row;
                }
            }

        TableRow Row(Prediction p, string[] snr)
        {
            var meta = set.Shards[p.Record.Shard].Meta.Rows[p.Record.Slot];
            PdfSummary s;
            using (StageTimings.Stage("pdf_summaries", 1)) s = PdfSummary.From(p.Probabilities, centres);
            var text = new string[layout.Schema.TextCount];
            text[0] = meta[1];
            for (int e = 0; e < layout.KeptExtras.Length; e++) text[1 + e] =
                8 + layout.KeptExtras[e] < meta.Length ? meta[8 + layout.KeptExtras[e]] : "";
            snr.CopyTo(text, 1 + layout.KeptExtras.Length);
            var numbers = new double[layout.Schema.NumberCount]; // z_spec, the summaries, the PDF: the layout's order
            numbers[0] = p.ZSpec;
            for (int c = 0; c < PdfColumns.Summary.Count; c++) numbers[1 + c] = PdfColumns.Summary[c].Value(s);
            if (writePdf)
                for (int k = 0; k < p.Probabilities.Length; k++) numbers[1 + PdfColumns.Summary.Count + k] = p.Probabilities[k];
            task.Advance();
            return new TableRow(text, numbers);
        }
    }

    private static string[] SignalToNoise(ShardSet set, RecordRef record, IReadOnlyList<Band> bands)
    {
        var targets = PhotometryTable.Of(set, record);
        var values = new string[bands.Count];
        for (int b = 0; b < bands.Count; b++)
            values[b] = targets[BandTable.Get(bands[b]).Channel].SignalToNoise.ToString("0.###", CultureInfo.InvariantCulture);
        return values;
    }

    /// <summary>The scores column of a band's measured S/N.</summary>
    public static string SnrColumn(Band band) => "snr_" + BandTable.Get(band).Name;
}
