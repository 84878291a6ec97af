using System.Runtime.InteropServices;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Distributed;

/// <summary>
/// The process's place among the ranks of an MPI job (MPI.NET over the system's MPI library), or a single rank when
/// the program was not started by mpiexec/srun. MPI.NET imports "msmpi.dll"; on Linux a DllImport resolver maps that
/// name to MPICH's <c>libmpich.so.12</c> (or Open MPI's <c>libmpi.so.40</c>), whose handle values MPI.NET's constants
/// match for MPICH (MS-MPI is MPICH-derived). One session per process; dispose it to finalise MPI.
/// </summary>
public sealed class MpiSession : IDisposable
{
    private static readonly string[] LibraryCandidates = ["libmpich.so.12", "libmpi.so.40", "libmpich.so", "libmpi.so"];
    private static int _resolverInstalled;
    private static MpiSession? _current;
    private readonly MPI.Environment? _environment;

    private MpiSession(MPI.Environment? environment, int rank, int size)
    {
        _environment = environment;
        Rank = rank;
        Size = size;
    }

    public int Rank { get; }
    public int Size { get; }
    public bool IsRoot => Rank == 0;
    public bool IsDistributed => Size > 1;

    /// <summary>The session of this process (a single rank until <see cref="Start"/> ran under an MPI launcher).</summary>
    public static MpiSession Current => _current ??= new MpiSession(null, 0, 1);

    /// <summary>Ranks announced by the launcher's environment (MPICH/Hydra PMI, Open MPI, Slurm with PMI), or 1.</summary>
    public static int LaunchedRanks()
    {
        foreach (var name in new[] { "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE" })
            if (int.TryParse(System.Environment.GetEnvironmentVariable(name), out int n) && n > 0) return n;
        return 1;
    }

    /// <summary>Initialises MPI when the process was launched as one of several ranks; otherwise stays single.</summary>
    public static MpiSession Start()
    {
        if (_current is { _environment: not null }) return _current;
        if (LaunchedRanks() <= 1) return Current;
        InstallResolver();
        string[] args = [];
        MPI.Environment environment;
        try { environment = new MPI.Environment(ref args); }
        catch (DllNotFoundException e)
        {
            throw new UserInputException("started by an MPI launcher, but no MPI library was found " +
                $"({string.Join(", ", LibraryCandidates)}): install MPICH (apt-get install mpich) — {e.Message}");
        }
        var world = MPI.Communicator.world;
        _current = new MpiSession(environment, world.Rank, world.Size);
        return _current;
    }

    private static void InstallResolver()
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(MPI.Communicator).Assembly, (name, assembly, path) =>
        {
            if (!name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
            foreach (var candidate in LibraryCandidates)
                if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
            return IntPtr.Zero;
        });
    }

    private static MPI.Intracommunicator World => MPI.Communicator.world;

    /// <summary>Element-wise sum over all ranks, in place.</summary>
    public void SumInPlace(double[] values)
    {
        if (!IsDistributed) return;
        double[] result = new double[values.Length];
        World.Allreduce(values, MPI.Operation<double>.Add, ref result);
        result.CopyTo(values, 0);
    }

    /// <summary>Element-wise sum of <paramref name="send"/> over all ranks into <paramref name="receive"/> (same length, kept).</summary>
    public void Sum(float[] send, float[] receive)
    {
        if (!IsDistributed) { send.CopyTo(receive, 0); return; }
        var result = receive;
        World.Allreduce(send, MPI.Operation<float>.Add, ref result);
        if (!ReferenceEquals(result, receive)) result.CopyTo(receive, 0);
    }

    /// <summary>Rank 0's values on every rank.</summary>
    public void Broadcast(double[] values)
    {
        if (!IsDistributed) return;
        World.Broadcast(ref values, 0);
    }

    public void Broadcast(float[] values)
    {
        if (!IsDistributed) return;
        World.Broadcast(ref values, 0);
    }

    public void Barrier()
    {
        if (IsDistributed) World.Barrier();
    }

    /// <summary>The contiguous, deterministic share [start, end) of <paramref name="count"/> items that this rank handles.</summary>
    public (int Start, int End) Share(int count) => ShareOf(count, Rank, Size);

    public static (int Start, int End) ShareOf(int count, int rank, int size) =>
        ((int)((long)count * rank / size), (int)((long)count * (rank + 1) / size));

    /// <summary>
    /// Ends every rank of the job (MPI_Abort): a rank that fails must not leave the others waiting forever in a
    /// collective call. No-op for a single rank.
    /// </summary>
    public void Abort(int code)
    {
        if (IsDistributed) MPI.Environment.Abort(code);
    }

    public void Dispose()
    {
        if (_environment is null) return;
        _environment.Dispose();
        _current = null;
    }
}
