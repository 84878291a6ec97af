using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Distributed;

/// <summary>
/// Data-parallel gradient averaging: the gradients of all parameters are packed into a few large contiguous buckets
/// (pinned managed arrays that torch views without a copy), each bucket is summed over the ranks with one
/// Allreduce, and the mean is written back. One MPI call per bucket, not per parameter. Communication does not
/// overlap the backward pass (TorchSharp exposes no per-parameter gradient hooks to start buckets early).
/// </summary>
public sealed class GradientAllreduce : IDisposable
{
    /// <summary>Floats per bucket (32 MiB): large enough to run at bandwidth, small enough to bound the extra memory.</summary>
    public const int BucketFloats = 8 << 20;

    private readonly MpiSession _mpi;
    private readonly Parameter[] _parameters;
    private readonly List<Bucket> _buckets = [];

    private sealed record Bucket(int First, int Count, float[] Send, float[] Receive, Tensor SendView, Tensor ReceiveView, long[] Offsets);

    public GradientAllreduce(MpiSession mpi, IEnumerable<Parameter> parameters)
    {
        _mpi = mpi;
        _parameters = parameters.Where(p => p.requires_grad).ToArray();
        int first = 0;
        while (first < _parameters.Length)
        {
            long floats = 0;
            int count = 0;
            var offsets = new List<long>();
            while (first + count < _parameters.Length && (count == 0 || floats + _parameters[first + count].numel() <= BucketFloats))
            {
                offsets.Add(floats);
                floats += _parameters[first + count].numel();
                count++;
            }
            var send = GC.AllocateArray<float>((int)floats, pinned: true);
            var receive = GC.AllocateArray<float>((int)floats, pinned: true);
            _buckets.Add(new Bucket(first, count, send, receive,
                torch.frombuffer(send, ScalarType.Float32).DetachFromDisposeScope(),
                torch.frombuffer(receive, ScalarType.Float32).DetachFromDisposeScope(), offsets.ToArray()));
            first += count;
        }
    }

    public int Buckets => _buckets.Count;

    /// <summary>Replaces every gradient by its mean over the ranks (a parameter without a gradient counts as zero).</summary>
    public void Average()
    {
        if (!_mpi.IsDistributed) return;
        float scale = 1f / _mpi.Size;
        using var _ = torch.no_grad();
        foreach (var b in _buckets)
        {
            using (var scope = NewDisposeScope())
                for (int i = 0; i < b.Count; i++)
                {
                    var p = _parameters[b.First + i];
                    var slot = b.SendView.narrow(0, b.Offsets[i], p.numel());
                    if (p.grad is { } g) slot.copy_(g.detach().reshape(-1).to(ScalarType.Float32).cpu());
                    else slot.zero_();
                }
            _mpi.Sum(b.Send, b.Receive);
            using (var scope = NewDisposeScope())
                for (int i = 0; i < b.Count; i++)
                {
                    var p = _parameters[b.First + i];
                    var mean = b.ReceiveView.narrow(0, b.Offsets[i], p.numel()).view(p.shape).mul(scale);
                    if (p.grad is { } g) g.copy_(mean);
                    else p.grad = mean.to(p.device).clone().DetachFromDisposeScope();
                }
        }
    }

    public void Dispose()
    {
        foreach (var b in _buckets) { b.SendView.Dispose(); b.ReceiveView.Dispose(); }
    }
}
