using System.Globalization;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Engine.Training;
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
    /// <summary>Seed of the baseline noise and of the sampled permutations.</summary>
    public ulong Seed { get; init; }
    public string Device { get; init; } = "auto";
    /// <summary>Galaxies whose composites share network batches.</summary>
    public int GalaxiesPerGroup { get; init; } = 4;
    public int BatchSize { get; init; } = 64;
    public bool StemTrick { get; init; } = true;
    /// <summary>Late fusion: encoders on their own bands' subsets, the head on the combinations (false: brute force).</summary>
    public bool Factorise { get; init; } = true;
    /// <summary>Input transform, baselines and composites: "cpu" (the C# bodies) or "cuda" (the ILGPU kernels).</summary>
    public string Accelerator { get; init; } = "cpu";

    /// <summary>The evaluator's backend for <see cref="Accelerator"/>.</summary>
    public (TransformBackend Backend, AcceleratorChoice Choice) Acceleration => Accelerator switch
    {
        "cpu" => (TransformBackend.Simd, AcceleratorChoice.Cpu),
        "cuda" => (TransformBackend.Ilgpu, AcceleratorChoice.Cuda),
        _ => throw new UserInputException($"--accelerator must be cpu or cuda (got '{Accelerator}')"),
    };

    public bool Sampled => Mode == ShapleyMode.Sampled;
}

/// <summary>How Shapley values are computed (<c>--mode</c>, and the journal's settings line, spell them so).</summary>
public enum ShapleyMode
{
    /// <summary>All 512 band subsets.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("exact")] Exact,
    /// <summary>Antithetic permutation sampling.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("sampled")] Sampled,
}

/// <summary>
/// <c>mantis shapley</c>: per galaxy of a split, V(all), V(∅), the 9 Shapley values and MM-SHAP (plus standard
/// errors in sampled mode, the evaluations made and the active bands). Finished galaxies go to a journal
/// (<c>OUT.journal</c>) as they complete; a rerun with the same settings skips them, and the output file is written
/// in split order once every galaxy is done.
/// </summary>
public static class ShapleyRunner
{
    public static readonly string[] BandNames = BandCatalog.All.Select(b => b.Name).ToArray();

    private static readonly string[] StringColumns = ["id", "active_bands"];

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

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Out))!);
        // Under MPI each rank explains its contiguous share into its own part (with its own journal); rank 0 merges.
        var mpi = Distributed.MpiSession.Current;
        var (first, end) = mpi.Share(records.Count);
        string target = mpi.IsDistributed ? Distributed.RankParts.PartPath(o.Out, mpi.Rank, mpi.Size) : o.Out;
        if (mpi.IsDistributed && File.Exists(target)) return Finish(o, mpi, sampled, end - first);
        string journalPath = target + ".journal";
        string settings = string.Create(CultureInfo.InvariantCulture,
            $"#settings model={Path.GetFullPath(o.Model)} data={Path.GetFullPath(o.Data)} split={o.Split} mode={o.Mode.Spelling()} permutations={(sampled ? o.Permutations : 0)} seed={o.Seed}");
        var done = AppendLog.ReadIndexed(journalPath, settings);
        var device = TorchDevice.Resolve(o.Device);
        var (_, model) = Checkpoint.Load(o.Model);
        model.to(device);
        var (backend, choice) = o.Acceleration;
        using var evaluator = new ShapleyEvaluator(model, device, new ShapleyEvaluatorOptions
        {
            BatchSize = o.BatchSize, StemTrick = o.StemTrick, Factorise = o.Factorise, Backend = backend, Accelerator = choice,
        });
        using (var journal = new AppendLog(journalPath))
        {
            if (new FileInfo(journalPath).Length == 0) journal.Append(settings);
            var todo = Enumerable.Range(first, end - first).Where(i => !done.ContainsKey(i)).ToArray();
            // The bar's rate is galaxies/s and its ETA this rank's remaining share; under MPI each rank reports its own.
            using var task = progress.Start(mpi.IsDistributed ? $"shapley rank {mpi.Rank}/{mpi.Size} (galaxies)" : "shapley (galaxies)", todo.Length);
            for (int start = 0; start < todo.Length; start += o.GalaxiesPerGroup)
            {
                cancel.ThrowIfCancellationRequested();
                var group = todo.Skip(start).Take(o.GalaxiesPerGroup).ToArray();
                foreach (var (index, line) in Explain(evaluator, records, group, o, sampled))
                {
                    journal.Append(index.ToString(CultureInfo.InvariantCulture) + "," + line);
                    done[index] = line;
                }
                task.Advance(group.Length);
            }
        }
        model.Dispose();
        TableFile.Write(target, Columns(sampled), Enumerable.Range(first, end - first).Select(i => done[i]), StringColumns, Meta(o), "SHAPLEY");
        File.Delete(journalPath);
        return mpi.IsDistributed ? Finish(o, mpi, sampled, end - first) : records.Count;
    }

    private static TableMeta Meta(ShapleyOptions o) => new(Path.GetFullPath(o.Model), o.Seed, "seed of the baseline noise and permutations");

    /// <summary>Distributed: wait for every rank's part; rank 0 merges them in rank (= input) order into the output.</summary>
    private static int Finish(ShapleyOptions o, Distributed.MpiSession mpi, bool sampled, int mine)
    {
        mpi.Barrier();
        int rows = mine;
        if (mpi.IsRoot)
        {
            var (_, lines) = Distributed.RankParts.Read(o.Out, mpi.Size);
            var all = lines.ToList();
            TableFile.Write(o.Out, Columns(sampled), all, StringColumns, Meta(o), "SHAPLEY");
            Distributed.RankParts.Delete(o.Out, mpi.Size);
            rows = all.Count;
        }
        mpi.Barrier();
        return rows;
    }

    /// <summary>Baselines (source extraction per band, in parallel), value tables, Shapley values: one CSV line per galaxy.</summary>
    private static List<(int Index, string Line)> Explain(ShapleyEvaluator evaluator, List<(Shard Shard, int Slot)> records, int[] group,
        ShapleyOptions o, bool sampled)
    {
        var galaxies = ShapleyGalaxy.FromRecords(group.Select(i => records[i]).ToArray(), o.Seed, evaluator.Kernels);
        int[][][] orderings = new int[group.Length][][];
        var tables = evaluator.Evaluate(galaxies, sampled
            ? (g, active) => ShapleyMath.NeededSubsets(orderings[g] = ShapleyMath.Permutations(active, o.Permutations,
                ShapleyMath.PermutationSeed(o.Seed, records[group[g]].Shard.Header(records[group[g]].Slot).CatalogRow)))
            : null);
        var lines = new List<(int, string)>(group.Length);
        for (int i = 0; i < group.Length; i++)
        {
            var (shard, slot) = records[group[i]];
            var t = tables[i];
            double[] phi, se = [];
            if (sampled) (phi, se) = ShapleyMath.Sampled(t.Values, orderings[i]);
            else phi = ShapleyMath.Exact(t.Values);
            var mm = ShapleyMath.MmShap(phi);
            var fields = new List<string> { shard.Ids[slot], F(shard.Header(slot).Z), F(t.Values[ShapleyMath.AllBands]), F(t.Values[0]) };
            fields.AddRange(phi.Select(F));
            fields.AddRange(mm.Select(F));
            if (sampled) fields.AddRange(se.Select(F));
            fields.Add(t.Evaluations.ToString(CultureInfo.InvariantCulture));
            fields.Add(string.Join('|', Enumerable.Range(0, ShapleyMath.Players).Where(j => (t.ActiveMask >> j & 1) != 0).Select(j => BandNames[j])));
            lines.Add((group[i], Csv.Line(fields)));
        }
        return lines;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
