using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Inference;

namespace MantisShrimp.Engine.Distributed;

/// <summary>
/// A job over N items in input order (score, shapley, predict), run by one process or shared over MPI ranks. Rank r of
/// R takes the contiguous share <see cref="First"/>..<see cref="End"/> and writes it to <see cref="Target"/>: OUT
/// itself for one process, else its part <c>OUT.partR-of-R.parquet</c> (typed rows of the job's
/// <see cref="TableSchema"/>, atomically, when its share is done). <see cref="Merge"/> then waits for every rank and
/// rank 0 writes the parts, in rank (= input) order, into OUT. A part left by an earlier run with the same rank count
/// is kept and not recomputed (<see cref="PartDone"/>); jobs that finish item by item also keep a
/// <see cref="JobJournal"/> beside their target, so rerunning after a kill finishes only what is missing.
/// </summary>
public sealed class ShardedJob
{
    public ShardedJob(string output, int count, MpiSession? mpi = null)
    {
        TableFile.CheckExtension(output);
        Output = output;
        Mpi = mpi ?? MpiSession.Current;
        (First, End) = Mpi.Share(count);
        Target = Mpi.IsDistributed ? PartPath(output, Mpi.Rank, Mpi.Size) : output;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    }

    public MpiSession Mpi { get; }
    /// <summary>The requested output file (written by rank 0 under MPI).</summary>
    public string Output { get; }
    /// <summary>Where this rank writes its share: <see cref="Output"/>, or its part under MPI.</summary>
    public string Target { get; }
    public int First { get; }
    public int End { get; }
    public int Count => End - First;
    /// <summary>This rank's items in input order.</summary>
    public IEnumerable<int> Items => Enumerable.Range(First, Count);
    /// <summary>This rank's journal: beside its target.</summary>
    public string JournalPath => Target + ".journal";
    /// <summary>Under MPI: this rank's part was finished by an earlier run.</summary>
    public bool PartDone => Mpi.IsDistributed && File.Exists(Target);

    public static string PartPath(string output, int rank, int size) => $"{output}.part{rank}-of-{size}.parquet";

    /// <summary>Writes this rank's share (the rows of <see cref="Items"/>, in order) to <see cref="Target"/>; parts are typed
    /// Parquet.</summary>
    public int WriteShare(TableSchema schema, IEnumerable<TableRow> rows, TableMeta? meta) => TableWriter.Write(Target, schema, rows, meta);

    /// <summary>
    /// One process: nothing to merge, returns <paramref name="rows"/>. Under MPI: waits for every rank's part; rank 0
    /// writes them in rank order into <see cref="Output"/> and deletes them (after <paramref name="beforeDelete"/>, which
    /// merges a job's side files); returns the total on rank 0 and this rank's <paramref name="rows"/> elsewhere.
    /// </summary>
    public int Merge(TableSchema schema, TableMeta? meta, int rows, Action? beforeDelete = null)
    {
        if (!Mpi.IsDistributed) return rows;
        Mpi.Barrier();
        if (Mpi.IsRoot) rows = MergeParts(Output, Mpi.Size, schema, meta, beforeDelete);
        Mpi.Barrier();
        return rows;
    }

    /// <summary>Rank 0's half of <see cref="Merge"/>: parts 0..size−1 of <paramref name="output"/> into it; throws naming the first missing
    /// part.</summary>
    public static int MergeParts(string output, int size, TableSchema schema, TableMeta? meta, Action? beforeDelete = null)
    {
        for (int r = 0; r < size; r++)
            if (!File.Exists(PartPath(output, r, size)))
                throw new UserInputException($"{PartPath(output, r, size)} is missing: rank {r} did not finish; rerun the same command " +
                    $"to complete it");
        int rows = TableWriter.Write(output, schema,
            Enumerable.Range(0, size).SelectMany(r => TableWriter.ReadParquet(PartPath(output, r, size), schema)), meta);
        beforeDelete?.Invoke();
        for (int r = 0; r < size; r++) File.Delete(PartPath(output, r, size));
        return rows;
    }
}
