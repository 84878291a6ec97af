using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Distributed;

/// <summary>
/// Output of a job split over MPI ranks: rank r of N writes <c>OUT.partR-of-N.csv</c> (atomically, when its share is
/// done); rank 0 then concatenates the parts in rank order — the input order — into OUT. A part left by an earlier
/// run with the same rank count is kept and not recomputed, so rerunning after a rank died finishes only what is missing.
/// </summary>
public static class RankParts
{
    public static string PartPath(string output, int rank, int size) => $"{output}.part{rank}-of-{size}.csv";

    /// <summary>Header and data lines of all parts in rank order; throws naming the first missing part.</summary>
    public static (string Header, IEnumerable<string> Lines) Read(string output, int size)
    {
        for (int r = 0; r < size; r++)
            if (!File.Exists(PartPath(output, r, size)))
                throw new UserInputException($"{PartPath(output, r, size)} is missing: rank {r} did not finish; rerun the same command to complete it");
        string header = File.ReadLines(PartPath(output, 0, size)).First();
        return (header, Enumerable.Range(0, size).SelectMany(r => File.ReadLines(PartPath(output, r, size)).Skip(1)));
    }

    public static void Delete(string output, int size)
    {
        for (int r = 0; r < size; r++) File.Delete(PartPath(output, r, size));
    }
}
