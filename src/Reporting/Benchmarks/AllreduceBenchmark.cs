using System.Diagnostics;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Distributed;

namespace MantisShrimp.Engine.Benchmarks;

/// <summary>
/// <c>mpiexec -n N mantis bench allreduce</c>: the float32 sum-Allreduce that data-parallel training runs once per
/// gradient bucket, timed for gradient-sized buffers (ConvNeXt-atto ≈ 3.7 M parameters, ConvNeXt-L ≈ 200 M), in the
/// same bucket size as <see cref="GradientAllreduce"/>. Reports seconds per step, algorithm bandwidth (bytes / time)
/// and bus bandwidth (× 2(N−1)/N, the traffic of a ring Allreduce).
/// </summary>
public static class AllreduceBenchmark
{
    public static Dictionary<string, object> Run(MpiSession mpi, long[] sizes, int repeats, IProgressReporter? progress = null)
    {
        progress ??= NullProgress.Instance;
        if (!mpi.IsDistributed) throw new UserInputException("bench allreduce needs several MPI ranks: mpiexec -n 2 ./mantis bench " +
            "allreduce");
        var results = new Dictionary<string, object>
        {
            ["ranks"] = mpi.Size, ["bucket_floats"] = GradientAllreduce.BucketFloats, ["repeats"] = repeats,
        };
        var send = new float[GradientAllreduce.BucketFloats];
        var receive = new float[GradientAllreduce.BucketFloats];
        Array.Fill(send, 1f);
        foreach (long floats in sizes)
        {
            progress.Message($"Allreduce of {floats:N0} floats …");
            void Step()
            {
                for (long done = 0; done < floats; done += send.Length)
                {
                    int n = (int)Math.Min(send.Length, floats - done);
                    if (n == send.Length) mpi.Sum(send, receive);
                    else mpi.Sum(send[..n], new float[n]);
                }
            }
            Step(); // warm-up
            mpi.Barrier();
            double best = double.MaxValue;
            for (int r = 0; r < repeats; r++)
            {
                mpi.Barrier();
                var clock = Stopwatch.StartNew();
                Step();
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            var times = new[] { best };
            mpi.Broadcast(times); // rank 0's figure
            double bytes = floats * 4.0;
            results[$"floats_{floats}"] = new Dictionary<string, double>
            {
                ["seconds_per_step"] = times[0],
                ["algorithm_gb_per_s"] = bytes / times[0] / 1e9,
                ["bus_gb_per_s"] = bytes / times[0] / 1e9 * 2 * (mpi.Size - 1) / mpi.Size,
            };
        }
        if (receive[0] != mpi.Size) throw new InvalidOperationException($"Allreduce returned {receive[0]}, expected {mpi.Size}");
        return results;
    }
}
