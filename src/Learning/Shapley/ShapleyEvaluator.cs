using System.Runtime.InteropServices;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels;
using MantisShrimp.Kernels.Input;
using MantisShrimp.Kernels.Shapley;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Shapley;

public sealed record ShapleyEvaluatorOptions
{
    /// <summary>Composites per network call.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Early fusion: assemble stem outputs from 18 per-band convolutions instead of convolving every composite.</summary>
    public bool StemTrick { get; init; } = true;
    /// <summary>Treat bands whose input equals the masked image's as inactive (their Shapley value is exactly 0).</summary>
    public bool SkipIdenticalBands { get; init; } = true;
    /// <summary>
    /// Late fusion: run each encoder only on its own bands' distinct subsets and the fusion head on the combinations
    /// of their features, instead of the whole network on every composite (false: the brute-force path, for tests).
    /// </summary>
    public bool Factorise { get; init; } = true;
    /// <summary>Feature combinations per fusion-head call (the head is small: large batches amortise the call).</summary>
    public int HeadBatchSize { get; init; } = 512;
    /// <summary>
    /// Where the input transform, masked images and composites run: the C# bodies on the CPU (default), or the ILGPU
    /// kernels on <see cref="Accelerator"/> (CUDA; the CPU accelerator for tests).
    /// </summary>
    public TransformBackend Backend { get; init; } = TransformBackend.Simd;
    public AcceleratorChoice Accelerator { get; init; } = AcceleratorChoice.Cpu;
}

/// <summary>
/// Evaluates a network on band-subset composites of galaxies and their masked images, batched: the galaxies and
/// masked images go through the fused input kernel once (evaluation mode), the composites are written by
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
    private InputTransform? _transform;
    private PinnedBuffer<float>[] _composite = [];
    private float[] _raw = [];
    private SampleAugment[] _augment = [];
    private PinnedBuffer<float>? _input;

    public ShapleyEvaluator(PhotoZNetwork model, Device device, ShapleyEvaluatorOptions? options = null)
    {
        _model = model;
        _device = device;
        _options = options ?? new ShapleyEvaluatorOptions();
        _modelMask = BandSets.Channels(model.Config.Bands).Aggregate(0, (m, c) => m | 1 << (int)c);
        _zCentres = tensor(Models.ModelCard.Of(model.Config).ClassValues(model.Config.Classes).Select(c => (float)c).ToArray(),
            device: device);
        model.eval();
        if (_options.Backend == TransformBackend.Ilgpu) Kernels = new ShapleyKernelHost(_options.Accelerator);
    }

    /// <summary>The ILGPU Shapley kernels when <see cref="ShapleyEvaluatorOptions.Backend"/> is ILGPU (masked images use them
    /// too).</summary>
    public ShapleyKernelHost? Kernels { get; }

    public ShapleyEvaluatorOptions Options => _options;

    /// <summary>Values V(S) computed so far (distinct reduced subsets).</summary>
    public long Evaluations { get; private set; }

    /// <summary>
    /// Inputs passed through the costly part of the network so far: whole-network calls per composite, or (late
    /// fusion, factorised) encoder calls on their own bands' subsets, or (stem trick) calls from the stem output on.
    /// </summary>
    public long NetworkPasses { get; private set; }

    /// <summary>Fusion-head evaluations of the factorised path (one per value).</summary>
    public long HeadPasses { get; private set; }

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
        var stem = _options.StemTrick ? _model as ILinearStem : null;
        var factorised = _options.Factorise ? _model as IFactorisedFusion : null;
        using (torch.inference_mode())
        using (var outer = NewDisposeScope())
        {
            var ebv = tensor(galaxies.SelectMany(x => new[] { x.EbvCsfd, x.EbvPlanck }).ToArray(), [g, 2]).to(_device);
            if (factorised is not null) EvaluateFactorised(factorised, input, g, work, ebv, reduced);
            else
            {
                var stemParts = stem is not null ? StemParts(stem, input, g) : default;
                for (int start = 0; start < work.Count; start += _options.BatchSize)
                {
                    int n = Math.Min(_options.BatchSize, work.Count - start);
                    var chunk = CollectionsMarshal.AsSpan(work).Slice(start, n);
                    using var scope = NewDisposeScope();
                    using var stage = Diagnostics.StageTimings.Stage("subset_forward", n); // composites, network, E[z]
                    using var activity = Diagnostics.EngineMetrics.Activities.StartActivity("shapley.batch")?.SetTag("subsets", n);
                    var galaxyOf = tensor(chunk.ToArray().Select(w => (long)w.Galaxy).ToArray(), device: _device);
                    var logits = stem is not null
                        ? stem.ForwardFromStemConvolution(AssembleStem(stemParts, chunk), ebv.index_select(0, galaxyOf))
                        : _model.call(Composites(input, g, chunk), ebv.index_select(0, galaxyOf));
                    Record(logits, chunk, reduced);
                    NetworkPasses += n;
                }
            }
        }
        Evaluations += work.Count;
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

    private Models.ModelCard Card => Models.ModelCard.Of(_model.Config);

    /// <summary>
    /// Network-layout inputs of the galaxies (samples 0..g−1) and their masked images (g..2g−1), by the training/scoring
    /// pipeline's <see cref="InputTransform"/> in evaluation mode (no augmentation).
    /// </summary>
    private PinnedBuffer<float> Prepare(IReadOnlyList<ShapleyGalaxy> galaxies)
    {
        int g = galaxies.Count, stride = BandTable.NativePixelsPerSample;
        if (_layout is null || _layout.BatchCapacity < 2 * g)
        {
            _transform?.Dispose();
            _layout = InputLayouts.Create(_model.Config.Fusion, 2 * g);
            // Pinned: the transform (and the CPU accelerator) work on them in place. Reused across groups.
            _raw = GC.AllocateArray<float>(2 * g * stride, pinned: true);
            _augment = GC.AllocateArray<SampleAugment>(2 * g, pinned: true);
            _augment.AsSpan().Fill(SampleAugment.Identity);
            _input = new PinnedBuffer<float>((int)_layout.OutputLength); // read in place by torch: aligned
            _transform = new InputTransform(_layout, _options.Backend, _options.Accelerator);
        }
        for (int i = 0; i < g; i++)
        {
            if (galaxies[i].Raw.Length != stride || galaxies[i].Masked.Length != stride)
                throw new ArgumentException($"Galaxy {i}: raw and masked image must hold {stride} pixels.");
            galaxies[i].Raw.CopyTo(_raw, i * stride);
            galaxies[i].Masked.CopyTo(_raw, (g + i) * stride);
            // The model card's NaN treatment (Telea for the published model), on both, as score and predict apply it.
            Data.Pipeline.NanTreatments.Apply(Card, _raw.AsSpan(i * stride, stride));
            Data.Pipeline.NanTreatments.Apply(Card, _raw.AsSpan((g + i) * stride, stride));
        }
        _transform!.Run(_raw, _augment, 2 * g, _input!);
        // The composites of this group are built on the device from one copy of the group's input.
        Kernels?.SetInput(_input!.Span);
        return _input!;
    }

    /// <summary>The model's bands whose network input differs between galaxy i and its masked image.</summary>
    private int ActiveMask(ReadOnlySpan<float> input, int i, int g)
    {
        if (!_options.SkipIdenticalBands) return _modelMask;
        int mask = 0;
        for (int j = 0; j < BandTable.BandCount; j++)
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
        var subsets = new int[chunk.Length];
        var galaxyOf = new int[chunk.Length];
        for (int k = 0; k < chunk.Length; k++) (galaxyOf[k], subsets[k]) = chunk[k];
        return Enumerable.Range(0, _layout!.Segments.Length).Select(s => Composites(input, g, s, subsets, galaxyOf)).ToArray();
    }

    /// <summary>The composites of one input segment: composite k takes galaxy galaxyOf[k]'s bands in subsets[k].</summary>
    private Tensor Composites(PinnedBuffer<float> input, int g, int segment, int[] subsets, int[] galaxyOf)
    {
        var segments = _layout!.Segments;
        if (_composite.Length != segments.Length) _composite = new PinnedBuffer<float>[segments.Length];
        // The segments hold the bands in channel order, so segment s's channel c is band (channels before s) + c.
        int bandOffset = segments.Take(segment).Sum(x => x.Channels);
        var seg = segments[segment];
        long need = (long)_options.BatchSize * seg.SampleStride;
        if (_composite[segment] is null || _composite[segment].Length < need) _composite[segment] = new PinnedBuffer<float>((int)need);
        var x = input.Span.Slice((int)seg.Base, g * seg.SampleStride);
        var b = input.Span.Slice((int)seg.Base + g * seg.SampleStride, g * seg.SampleStride);
        if (Kernels is not null)
            Kernels.Composites(seg.Base, seg.Base + (long)g * seg.SampleStride, (long)g * seg.SampleStride, subsets, galaxyOf,
                _composite[segment].Span, seg.Channels, seg.Height * seg.Width, bandOffset);
        else CompositeKernel.Run(x, b, subsets, galaxyOf, _composite[segment].Span, seg.Channels, seg.Height * seg.Width, bandOffset);
        return _composite[segment].AsTensor(ScalarType.Float32, (long)subsets.Length * seg.SampleStride)
            .view(subsets.Length, seg.Channels, seg.Height, seg.Width).to(_device);
    }

    /// <summary>V = E[z] of each logit row, recorded under its (galaxy, reduced subset).</summary>
    private void Record(Tensor logits, ReadOnlySpan<(int Galaxy, int Subset)> chunk, Dictionary<(int, int), double> values)
    {
        var v = nn.functional.softmax(logits, 1).matmul(_zCentres).cpu().to(ScalarType.Float64).data<double>().ToArray();
        for (int k = 0; k < chunk.Length; k++) values[(chunk[k].Galaxy, chunk[k].Subset)] = v[k];
    }

    /// <summary>
    /// Late fusion, factorised: a composite for subset S reaches encoder e only through S ∩ bands(e), so each
    /// encoder runs once per galaxy and distinct S ∩ bands(e) (all bands active: 4 GALEX, 32 PS1, 4 unWISE inputs),
    /// and the fusion head runs on each needed S with the features of its parts — the same operations as the whole
    /// network on the composite, in a different order.
    /// </summary>
    private void EvaluateFactorised(IFactorisedFusion net, PinnedBuffer<float> input, int g, List<(int Galaxy, int Subset)> work,
        Tensor ebv, Dictionary<(int, int), double> values)
    {
        var encoders = net.Encoders;
        var features = new Tensor[encoders.Count];
        var rowOf = new Dictionary<(int, int), long>[encoders.Count];
        for (int e = 0; e < encoders.Count; e++)
        {
            int mask = encoders[e].BandMask;
            var parts = work.Select(w => (w.Galaxy, Subset: w.Subset & mask)).Distinct().Order().ToArray();
            rowOf[e] = new Dictionary<(int, int), long>(parts.Length);
            for (int r = 0; r < parts.Length; r++) rowOf[e][parts[r]] = r;
            var chunks = new List<Tensor>();
            for (int start = 0; start < parts.Length; start += _options.BatchSize)
            {
                int n = Math.Min(_options.BatchSize, parts.Length - start);
                using var scope = NewDisposeScope();
                var slice = parts.AsSpan(start, n);
                var subsets = new int[n];
                var galaxyOf = new int[n];
                for (int k = 0; k < n; k++) (galaxyOf[k], subsets[k]) = slice[k];
                // The composite buffer is rewritten by the next chunk: keep the features, not the input.
                chunks.Add(net.Encode(e, Composites(input, g, encoders[e].Segment, subsets, galaxyOf)).MoveToOuterDisposeScope());
                NetworkPasses += n;
            }
            features[e] = chunks.Count == 1 ? chunks[0] : cat(chunks, 0);
        }
        for (int start = 0; start < work.Count; start += _options.HeadBatchSize)
        {
            int n = Math.Min(_options.HeadBatchSize, work.Count - start);
            var chunk = CollectionsMarshal.AsSpan(work).Slice(start, n);
            using var scope = NewDisposeScope();
            var picked = new Tensor[encoders.Count];
            for (int e = 0; e < encoders.Count; e++)
            {
                int mask = encoders[e].BandMask;
                var rows = new long[n];
                for (int k = 0; k < n; k++) rows[k] = rowOf[e][(chunk[k].Galaxy, chunk[k].Subset & mask)];
                picked[e] = features[e].index_select(0, tensor(rows, device: _device));
            }
            var galaxyOf = tensor(chunk.ToArray().Select(w => (long)w.Galaxy).ToArray(), device: _device);
            Record(net.Fuse(picked, ebv.index_select(0, galaxyOf)), chunk, values);
            HeadPasses += n;
        }
    }

    /// <summary>Per galaxy: the stem output of the all-masked composite (bias included; [g, h, w, C]) and, per model band, what swapping
    /// in the galaxy adds ([g, k, h·w·C]).</summary>
    private (Tensor Base, Tensor Delta, int[] Bands) StemParts(ILinearStem net, PinnedBuffer<float> input, int g)
    {
        var seg = _layout!.Segments[0];
        var all = input.AsTensor(ScalarType.Float32, 2L * g * seg.SampleStride, seg.Base)
            .view(2 * g, seg.Channels, seg.Height, seg.Width).to(_device);
        var bands = net.BandChannels.Select(c => (int)c).ToArray();
        var x = all.index_select(1, tensor(bands.Select(b => (long)b).ToArray(), device: _device));
        var conv = net.StemConvolution;
        // float32 even when the backbone computes in bf16: the per-band parts are summed (linearity) before the
        // backbone rounds the assembled stem output once, as it rounds a composite's.
        var w = conv.weight!.to(ScalarType.Float32); // [C, k, p, p]
        long c = w.shape[0], k = w.shape[1];
        // Grouped convolution: group j convolves band j alone with W[:, j] → [2g, k·C, h, w] per-band contributions.
        var perBand = nn.functional.conv2d(x, w.transpose(0, 1).reshape(k * c, 1, w.shape[2], w.shape[3]),
            strides: [w.shape[2], w.shape[3]], groups: k); // the stem is a patchify conv: stride = kernel
        long h = perBand.shape[2], wd = perBand.shape[3];
        // Channels-last ([…, h, w, C]) like libtorch's CPU convolution output: the LayerNorm and blocks that follow run
        // markedly faster on it than on a plain NCHW tensor (measured).
        perBand = perBand.view(2 * g, k, c, h, wd).permute(0, 1, 3, 4, 2).reshape(2 * g, k, h * wd * c);
        var ofGalaxy = perBand.narrow(0, 0, g);
        var ofMasked = perBand.narrow(0, g, g);
        var bias = conv.bias is null ? zeros(c, device: _device) : conv.bias.to(ScalarType.Float32);
        var baseOut = ofMasked.sum(1) + bias.repeat(h * wd).view(1, h * wd * c);
        return (baseOut.view(g, h, wd, c), (ofGalaxy - ofMasked).contiguous(), bands);
    }

    /// <summary>Stem outputs of a chunk: per galaxy run, one [n_g, k] × [k, C·h·w] product added to its masked image stem.</summary>
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

    public void Dispose()
    {
        _zCentres.Dispose();
        _transform?.Dispose();
        Kernels?.Dispose();
    }
}
