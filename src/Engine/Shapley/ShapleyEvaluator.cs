using System.Runtime.InteropServices;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels.Input;
using MantisShrimp.Kernels.Shapley;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Shapley;

/// <summary>One galaxy to explain: its raw sample, its baseline (both native pixels in channel order) and E(B−V).</summary>
public sealed record ShapleyGalaxy(float[] Raw, float[] Baseline, float EbvCsfd, float EbvPlanck)
{
    /// <summary>A shard record with its baseline (source extraction of every band, noise from (seed, catalog row)).</summary>
    public static ShapleyGalaxy FromRecord(Data.Shard shard, int slot, ulong seed)
    {
        var raw = shard.Pixels(slot).ToArray();
        ref readonly var h = ref shard.Header(slot);
        var (_, baseline) = Baselines.ForSample(raw, seed, h.CatalogRow);
        return new ShapleyGalaxy(raw, baseline, h.EbvCsfd, h.EbvPlanck);
    }
}

/// <summary>
/// The value table of one galaxy: V(S) = E[z] for every band subset S (bit j = band j). Subsets that differ only in
/// bands outside <see cref="ActiveMask"/> — bands the network does not see, or whose input equals the baseline's —
/// share one evaluation; entries never asked for are NaN.
/// </summary>
public sealed record ValueTable(double[] Values, int ActiveMask, int Evaluations);

public sealed record ShapleyEvaluatorOptions
{
    /// <summary>Composites per network call.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Early fusion: assemble stem outputs from 18 per-band convolutions instead of convolving every composite.</summary>
    public bool StemTrick { get; init; } = true;
    /// <summary>Treat bands whose input equals the baseline's as inactive (their Shapley value is exactly 0).</summary>
    public bool SkipIdenticalBands { get; init; } = true;
}

/// <summary>
/// Evaluates a network on band-subset composites of galaxies and their baselines, batched: the galaxies and
/// baselines go through the fused input kernel once (evaluation mode), the composites are written by
/// <see cref="CompositeKernel"/> straight into pinned buffers that torch reads without a copy, and each network
/// call takes <see cref="ShapleyEvaluatorOptions.BatchSize"/> composites of one or several galaxies. For early
/// fusion the stem convolution is linear in its input channels, so its output for subset S is
/// bias + Σ_j (S∋j ? W_j∗x_j : W_j∗b_j): 18 per-band convolutions per galaxy and one small matrix product per
/// batch replace 512 convolutions.
/// </summary>
public sealed class ShapleyEvaluator : IDisposable
{
    private readonly PhotoZNetwork _model;
    private readonly Device _device;
    private readonly ShapleyEvaluatorOptions _options;
    private readonly int _modelMask;
    private readonly Tensor _zCentres;
    private InputLayout? _layout;
    private FusedInputCpu? _fused;
    private PinnedBuffer<float>[] _composite = [];
    private float[] _raw = [];
    private PinnedBuffer<float>? _input;

    public ShapleyEvaluator(PhotoZNetwork model, Device device, ShapleyEvaluatorOptions? options = null)
    {
        _model = model;
        _device = device;
        _options = options ?? new ShapleyEvaluatorOptions();
        _modelMask = BandSets.Channels(model.Config.Bands).Aggregate(0, (m, c) => m | 1 << (int)c);
        _zCentres = tensor(Enumerable.Range(0, model.Config.Classes).Select(k => (float)RedshiftGrid.Centre(k)).ToArray(), device: device);
        model.eval();
    }

    public ShapleyEvaluatorOptions Options => _options;

    /// <summary>Network evaluations made so far.</summary>
    public long Evaluations { get; private set; }

    /// <summary>
    /// Value tables for a group of galaxies: for galaxy g, every subset <paramref name="needed"/>(g, activeMask) lists
    /// (reduced to its active bands) is evaluated; default: all subsets of the active bands (exact Shapley).
    /// </summary>
    public ValueTable[] Evaluate(IReadOnlyList<ShapleyGalaxy> galaxies, Func<int, int, IEnumerable<int>>? needed = null)
    {
        int g = galaxies.Count;
        if (g == 0) return [];
        var input = Prepare(galaxies);
        var active = new int[g];
        var evaluations = new int[g];
        var work = new List<(int Galaxy, int Subset)>();
        for (int i = 0; i < g; i++)
        {
            active[i] = ActiveMask(input.Span, i, g);
            var subsets = needed?.Invoke(i, active[i]) ?? AllSubsetsOf(active[i]);
            foreach (int s in subsets.Select(s => s & active[i]).Distinct().Order()) { work.Add((i, s)); evaluations[i]++; }
        }
        var reduced = new Dictionary<(int, int), double>(work.Count);
        bool stem = _options.StemTrick && _model is EarlyFusionNet;
        using (torch.inference_mode())
        using (var outer = NewDisposeScope())
        {
            var ebv = tensor(galaxies.SelectMany(x => new[] { x.EbvCsfd, x.EbvPlanck }).ToArray(), [g, 2]).to(_device);
            var stemParts = stem ? StemParts((EarlyFusionNet)_model, input, g) : default;
            for (int start = 0; start < work.Count; start += _options.BatchSize)
            {
                int n = Math.Min(_options.BatchSize, work.Count - start);
                var chunk = CollectionsMarshal.AsSpan(work).Slice(start, n);
                using var scope = NewDisposeScope();
                using var stage = Diagnostics.StageTimings.Stage("subset_forward", n); // composites, network, E[z] (issue 18)
                using var activity = Diagnostics.EngineMetrics.Activities.StartActivity("shapley.batch")?.SetTag("subsets", n);
                var galaxyOf = tensor(chunk.ToArray().Select(w => (long)w.Galaxy).ToArray(), device: _device);
                var logits = stem
                    ? ((EarlyFusionNet)_model).ForwardFromStemConvolution(AssembleStem(stemParts, chunk), ebv.index_select(0, galaxyOf))
                    : _model.call(Composites(input, g, chunk), ebv.index_select(0, galaxyOf));
                var v = nn.functional.softmax(logits, 1).matmul(_zCentres).cpu().to(ScalarType.Float64).data<double>().ToArray();
                for (int k = 0; k < n; k++) reduced[(chunk[k].Galaxy, chunk[k].Subset)] = v[k];
                Evaluations += n;
            }
        }
        var tables = new ValueTable[g];
        for (int i = 0; i < g; i++)
        {
            var values = new double[ShapleyMath.Subsets];
            for (int s = 0; s < values.Length; s++)
                values[s] = reduced.TryGetValue((i, s & active[i]), out var value) ? value : double.NaN;
            tables[i] = new ValueTable(values, active[i], evaluations[i]);
        }
        return tables;
    }

    public static IEnumerable<int> AllSubsetsOf(int mask)
    {
        // Standard sub-mask enumeration, then ascending order.
        var list = new List<int>();
        for (int s = mask; ; s = (s - 1) & mask)
        {
            list.Add(s);
            if (s == 0) break;
        }
        list.Reverse();
        return list;
    }

    /// <summary>Network-layout inputs of the galaxies (samples 0..g−1) and their baselines (g..2g−1).</summary>
    private PinnedBuffer<float> Prepare(IReadOnlyList<ShapleyGalaxy> galaxies)
    {
        int g = galaxies.Count, stride = BandCatalog.NativePixelsPerSample;
        if (_layout is null || _layout.BatchCapacity < 2 * g)
        {
            _layout = InputLayouts.Create(_model.Config.Fusion, 2 * g);
            _fused = new FusedInputCpu(_layout);
        }
        // Reused across groups (a group of 4 is ≈ 6.5 MB); only the first 2g samples of each are written and read.
        if (_raw.Length < 2 * g * stride) _raw = new float[2 * g * stride];
        var raw = _raw;
        for (int i = 0; i < g; i++)
        {
            if (galaxies[i].Raw.Length != stride || galaxies[i].Baseline.Length != stride)
                throw new ArgumentException($"Galaxy {i}: raw and baseline must hold {stride} pixels.");
            galaxies[i].Raw.CopyTo(raw, i * stride);
            galaxies[i].Baseline.CopyTo(raw, (g + i) * stride);
        }
        if (_input is null || _input.Length < _layout.OutputLength) _input = new PinnedBuffer<float>((int)_layout.OutputLength); // read in place by torch: aligned
        var output = _input;
        var augment = new SampleAugment[2 * g];
        augment.AsSpan().Fill(SampleAugment.Identity);
        _fused!.Run(raw, 2 * g, augment, output.Span);
        return output;
    }

    /// <summary>The model's bands whose network input differs between galaxy i and its baseline.</summary>
    private int ActiveMask(ReadOnlySpan<float> input, int i, int g)
    {
        if (!_options.SkipIdenticalBands) return _modelMask;
        int mask = 0;
        for (int j = 0; j < BandCatalog.BandCount; j++)
        {
            if ((_modelMask >> j & 1) == 0) continue;
            var ch = _layout!.Channels[j];
            int pixels = ch.OutputSize * ch.OutputSize;
            var x = input.Slice((int)(ch.SegmentBase + (long)i * ch.SegmentSampleStride + ch.ChannelOffset), pixels);
            var b = input.Slice((int)(ch.SegmentBase + (long)(g + i) * ch.SegmentSampleStride + ch.ChannelOffset), pixels);
            if (!x.SequenceEqual(b)) mask |= 1 << j;
        }
        return mask;
    }

    /// <summary>The composites of a chunk, one tensor per input segment, written into pinned buffers torch shares.</summary>
    private Tensor[] Composites(PinnedBuffer<float> input, int g, ReadOnlySpan<(int Galaxy, int Subset)> chunk)
    {
        var segments = _layout!.Segments;
        if (_composite.Length != segments.Length) _composite = new PinnedBuffer<float>[segments.Length];
        var subsets = new int[chunk.Length];
        var galaxyOf = new int[chunk.Length];
        for (int k = 0; k < chunk.Length; k++) (galaxyOf[k], subsets[k]) = chunk[k];
        var tensors = new Tensor[segments.Length];
        int bandOffset = 0;
        for (int s = 0; s < segments.Length; s++)
        {
            var seg = segments[s];
            long need = (long)_options.BatchSize * seg.SampleStride;
            if (_composite[s] is null || _composite[s].Length < need) _composite[s] = new PinnedBuffer<float>((int)need);
            var x = input.Span.Slice((int)seg.Base, g * seg.SampleStride);
            var b = input.Span.Slice((int)seg.Base + g * seg.SampleStride, g * seg.SampleStride);
            CompositeKernel.Run(x, b, subsets, galaxyOf, _composite[s].Span, seg.Channels, seg.Height * seg.Width, bandOffset);
            tensors[s] = _composite[s].AsTensor(ScalarType.Float32, (long)chunk.Length * seg.SampleStride)
                .view(chunk.Length, seg.Channels, seg.Height, seg.Width).to(_device);
            bandOffset += seg.Channels;
        }
        return tensors;
    }

    /// <summary>Per galaxy: the stem output of the all-baseline composite (bias included; [g, h, w, C]) and, per model band, what swapping in the galaxy adds ([g, k, h·w·C]).</summary>
    private (Tensor Base, Tensor Delta, int[] Bands) StemParts(EarlyFusionNet net, PinnedBuffer<float> input, int g)
    {
        var seg = _layout!.Segments[0];
        var all = input.AsTensor(ScalarType.Float32, 2L * g * seg.SampleStride, seg.Base)
            .view(2 * g, seg.Channels, seg.Height, seg.Width).to(_device);
        var bands = net.BandChannels.Select(c => (int)c).ToArray();
        var x = all.index_select(1, tensor(bands.Select(b => (long)b).ToArray(), device: _device));
        var conv = net.StemConvolution;
        var w = conv.weight!; // [C, k, p, p]
        long c = w.shape[0], k = w.shape[1];
        // Grouped convolution: group j convolves band j alone with W[:, j] → [2g, k·C, h, w] per-band contributions.
        var perBand = nn.functional.conv2d(x, w.transpose(0, 1).reshape(k * c, 1, w.shape[2], w.shape[3]), strides: [w.shape[2], w.shape[3]], groups: k); // the stem is a patchify conv: stride = kernel
        long h = perBand.shape[2], wd = perBand.shape[3];
        // Channels-last ([…, h, w, C]) like libtorch's CPU convolution output: the LayerNorm and blocks that follow run
        // markedly faster on it than on a plain NCHW tensor (measured).
        perBand = perBand.view(2 * g, k, c, h, wd).permute(0, 1, 3, 4, 2).reshape(2 * g, k, h * wd * c);
        var ofGalaxy = perBand.narrow(0, 0, g);
        var ofBaseline = perBand.narrow(0, g, g);
        var bias = conv.bias is null ? zeros(c, device: _device) : conv.bias;
        var baseOut = ofBaseline.sum(1) + bias.repeat(h * wd).view(1, h * wd * c);
        return (baseOut.view(g, h, wd, c), (ofGalaxy - ofBaseline).contiguous(), bands);
    }

    /// <summary>Stem outputs of a chunk: per galaxy run, one [n_g, k] × [k, C·h·w] product added to its baseline stem.</summary>
    private Tensor AssembleStem((Tensor Base, Tensor Delta, int[] Bands) parts, ReadOnlySpan<(int Galaxy, int Subset)> chunk)
    {
        int k = parts.Bands.Length;
        var pieces = new List<Tensor>();
        for (int start = 0; start < chunk.Length;)
        {
            int galaxy = chunk[start].Galaxy, end = start;
            while (end < chunk.Length && chunk[end].Galaxy == galaxy) end++;
            var selector = new float[(end - start) * k];
            for (int i = start; i < end; i++)
                for (int j = 0; j < k; j++) selector[(i - start) * k + j] = (chunk[i].Subset >> parts.Bands[j] & 1) != 0 ? 1f : 0f;
            var sel = tensor(selector, [end - start, k], device: _device);
            pieces.Add(parts.Base[galaxy].flatten().unsqueeze(0) + sel.matmul(parts.Delta[galaxy]));
            start = end;
        }
        var shape = parts.Base.shape; // [g, h, w, C]
        return cat(pieces, 0).view(chunk.Length, shape[1], shape[2], shape[3]).permute(0, 3, 1, 2);
    }

    public void Dispose() => _zCentres.Dispose();
}
