using System.Globalization;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels;
using TorchSharp;

namespace MantisShrimp.Engine.Shapley;

public sealed record ShapleyOptions(string Model, string Data, string Out)
{
    public string Split { get; init; } = Splits.Test;
    /// <summary>First N galaxies of the split in shard order (0: all).</summary>
    public int Count { get; init; }
    public ShapleyMode Mode { get; init; } = ShapleyMode.Exact;
    public int Permutations { get; init; } = 32;
    /// <summary>Seed of the mask noise and of the sampled permutations.</summary>
    public ulong Seed { get; init; }
    public string Device { get; init; } = "auto";
    /// <summary>Galaxies whose composites share network batches.</summary>
    public int GalaxiesPerGroup { get; init; } = 4;
    public int BatchSize { get; init; } = 64;
    public bool StemTrick { get; init; } = true;
    /// <summary>Late fusion: encoders on their own bands' subsets, the head on the combinations (false: brute force).</summary>
    public bool Factorise { get; init; } = true;
    /// <summary>Input transform, masked images and composites: "cpu" (the C# bodies) or "cuda" (the ILGPU kernels).</summary>
    public string Accelerator { get; init; } = "cpu";
    /// <summary>Backbone arithmetic (<c>--precision</c>); V(S) = E[z] from a float32 softmax either way.</summary>
    public InferencePrecision Precision { get; init; } = InferencePrecision.Fp32;

    /// <summary>The evaluator's backend for <see cref="Accelerator"/>.</summary>
    public (TransformBackend Backend, AcceleratorChoice Choice) Acceleration => Accelerator switch
    {
        "cpu" => (TransformBackend.Simd, AcceleratorChoice.Cpu),
        "cuda" => (TransformBackend.Ilgpu, AcceleratorChoice.Cuda),
        _ => throw new UserInputException($"--accelerator must be cpu or cuda (got '{Accelerator}')"),
    };

    public bool Sampled => Mode == ShapleyMode.Sampled;
}

/// <summary>
/// <c>mantis shapley</c>: per galaxy of a split, V(all), V(∅), the 9 Shapley values and MM-SHAP (plus standard
/// errors in sampled mode, the evaluations made and the active bands). Finished galaxies go to a journal
/// (<c>OUT.journal</c>) as they complete; a rerun with the same settings skips them, and the output file is written
/// in split order once every galaxy is done.
/// </summary>
public static class ShapleyRunner
{
    public static readonly string[] BandNames = BandTable.All.Select(b => b.Name).ToArray();

    public static string[] Columns(bool sampled) =>
    [
        "id", "z_spec", "v_all", "v_empty", .. BandNames.Select(b => $"shap_{b}"), .. BandNames.Select(b => $"mm_{b}"),
        .. sampled ? BandNames.Select(b => $"se_{b}") : [], "evaluations", "active_bands",
    ];

    public static int Run(ShapleyOptions o, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        progress ??= NullProgress.Instance;
        bool sampled = o.Sampled;
        TableFile.CheckExtension(o.Out);
        if (!Splits.All.Contains(o.Split)) throw new UserInputException($"--split must be one of {string.Join(", ", Splits.All)}");
        if (sampled && o.Permutations < 2) throw new UserInputException("--permutations must be at least 2 (antithetic pairs)");
        using var set = ShardSet.Open(o.Data);
        var records = new List<(Shard Shard, int Slot)>();
        foreach (var shard in set.ForSplit(o.Split))
            for (int slot = 0; slot < shard.Count; slot++) records.Add((shard, slot));
        if (o.Count > 0 && records.Count > o.Count) records.RemoveRange(o.Count, records.Count - o.Count);

        // Under MPI each rank explains its contiguous share into its own part (with its own journal); rank 0 merges.
        var job = new Distributed.ShardedJob(o.Out, records.Count);
        var schema = Schema(sampled);
        if (job.PartDone) return job.Merge(schema, Meta(o), job.Count);
        (string Key, string Value)[] settings =
            [("model", Path.GetFullPath(o.Model)), ("data", Path.GetFullPath(o.Data)), ("split", o.Split),
            ("mode", o.Mode.Spelling()), ("permutations", (sampled ? o.Permutations : 0).ToString(CultureInfo.InvariantCulture)),
            ("seed", o.Seed.ToString(CultureInfo.InvariantCulture))];
        // fp32 adds nothing, so journals written before --precision existed still resume.
        if (o.Precision != InferencePrecision.Fp32) settings = [.. settings, ("precision", o.Precision.Name())];
        var fingerprint = new Distributed.JobFingerprint(settings);
        using (var journal = Distributed.JobJournal.Open(job.JournalPath, fingerprint))
        {
            var device = TorchDevice.Resolve(o.Device);
            var (_, model) = Checkpoint.Load(o.Model);
            model.to(device);
            model.UsePrecision(o.Precision, device);
            var (backend, choice) = o.Acceleration;
            using (var evaluator = new ShapleyEvaluator(model, device, new ShapleyEvaluatorOptions
            {
                BatchSize = o.BatchSize, StemTrick = o.StemTrick, Factorise = o.Factorise, Backend = backend, Accelerator = choice,
            }))
            {
                var todo = job.Items.Where(i => !journal.IsDone(i)).ToArray();
                // The bar's rate is galaxies/s and its ETA this rank's remaining share; under MPI each rank reports its own.
                var mpi = job.Mpi;
                using var task = progress.Start(mpi.IsDistributed ? $"shapley rank {mpi.Rank}/{mpi.Size} (galaxies)" : "shapley (galaxies)",
                    todo.Length);
                for (int start = 0; start < todo.Length; start += o.GalaxiesPerGroup)
                {
                    cancel.ThrowIfCancellationRequested();
                    var group = todo.Skip(start).Take(o.GalaxiesPerGroup).ToArray();
                    foreach (var (index, row) in Explain(evaluator, records, group, o, sampled, schema))
                        journal.Record(index, Csv.Line(schema.Fields(row)));
                    task.Advance(group.Length);
                }
            }
            model.Dispose();
            // The journal's text is the rows' round-trip ("R") text: parsing it back gives the computed doubles.
            job.WriteShare(schema, job.Items.Select(i => schema.Parse(Csv.ParseLine(journal[i]), journal.Path)).ToList(), Meta(o));
        }
        File.Delete(job.JournalPath);
        return job.Merge(schema, Meta(o), job.Count);
    }

    private static TableMeta Meta(ShapleyOptions o) =>
        new(Path.GetFullPath(o.Model), o.Seed, "seed of the mask noise and permutations");

    /// <summary>The columns of <see cref="Columns"/>: id and active_bands text, every value a double (evaluations too, as the tables have
    /// always held it).</summary>
    public static TableSchema Schema(bool sampled) => new(Columns(sampled).Select(c => c is "id" or "active_bands"
        ? new TableColumn(c, ColumnKind.Text)
        : new TableColumn(c, ColumnKind.Double, c == "evaluations" ? v => ((long)v).ToString(CultureInfo.InvariantCulture) : F)),
            "SHAPLEY");

    /// <summary>Masked images (source extraction per band, in parallel), value tables, Shapley values: one CSV line per galaxy.</summary>
    private static List<(int Index, TableRow Row)> Explain(ShapleyEvaluator evaluator, List<(Shard Shard, int Slot)> records, int[] group,
        ShapleyOptions o, bool sampled, TableSchema schema)
    {
        var galaxies = ShapleyGalaxy.FromRecords(group.Select(i => records[i]).ToArray(), o.Seed, evaluator.Kernels);
        int[][][] orderings = new int[group.Length][][];
        var tables = evaluator.Evaluate(galaxies, sampled
            ? (g, active) => ShapleyMath.NeededSubsets(orderings[g] = ShapleyMath.Permutations(active, o.Permutations,
                ShapleyMath.PermutationSeed(o.Seed, records[group[g]].Shard.Header(records[group[g]].Slot).CatalogRow)))
            : null);
        var rows = new List<(int, TableRow)>(group.Length);
        for (int i = 0; i < group.Length; i++)
        {
            var (shard, slot) = records[group[i]];
            var t = tables[i];
            double[] phi, se = [];
            if (sampled) (phi, se) = ShapleyMath.Sampled(t.Values, orderings[i]);
            else phi = ShapleyMath.Exact(t.Values);
            var mm = ShapleyMath.MmShap(phi);
            double[] numbers = [shard.Header(slot).Z, t.Values[ShapleyMath.AllBands], t.Values[0], .. phi, .. mm, .. se, t.Evaluations];
            string active = string.Join('|',
                Enumerable.Range(0, ShapleyMath.Players).Where(j => (t.ActiveMask >> j & 1) != 0).Select(j => BandNames[j]));
            rows.Add((group[i], new TableRow([shard.Ids[slot], active], numbers)));
        }
        return rows;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
