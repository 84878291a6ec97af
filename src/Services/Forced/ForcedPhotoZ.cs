using System.Threading.Channels;
using MantisShrimp.Engine.Calibration;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Cutouts;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Dust;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels.Input;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Forced;

/// <summary>One forced photo-z: the position, the dust used, the (recalibrated) class probabilities and their summary.</summary>
/// <param name="Flags">The cutouts' flags (coverage, NaN), as read.</param>
/// <param name="SnrR">The target's measured S/N in PS1 r (source extraction, the paper's target rule): is anything there at all?
/// NaN where it was not measured (<c>predict --no-snr</c>).</param>
public sealed record ForcedResult(string Name, double Ra, double Dec, float EbvCsfd, float EbvPlanck, float[] Probabilities,
    PdfSummary Summary,
    SampleFlags Flags, bool Calibrated, double SnrR)
{
    /// <summary>Galaxies in the forward pass this one joined (the service batches concurrent requests).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>The 9 cutouts as read, for figures; null where the streaming path was not asked to keep them (they live in reused
    /// buffers there).</summary>
    public CutoutSample? Sample { get; init; }

    /// <summary>False where the source had no GALEX cutout or it is all zeros: predicted with zeros, as the training set stores no
    /// coverage.</summary>
    public bool GalexCoverage => (Flags & SampleFlags.GalexNoCoverage) == 0;

    /// <summary>False where the source had no unWISE cutout or it is all zeros.</summary>
    public bool UnwiseCoverage => (Flags & SampleFlags.UnwiseNoCoverage) == 0;

    /// <summary>A PS1 band broke the 1% NaN rule and was predicted anyway (<c>--allow-nan</c>), its NaNs filled as the model card
    /// says.</summary>
    public bool NanFilled => (Flags & SampleFlags.PanStarrsNanOverLimit) != 0;
}

/// <summary>E(B−V) at a position: from the two HEALPix maps, or fixed values given by the user.</summary>
public sealed class DustSource
{
    private readonly DustMaps? _maps;
    private readonly (float Csfd, float Planck)? _fixed;

    private DustSource(DustMaps? maps, (float, float)? fixedValues) { _maps = maps; _fixed = fixedValues; }

    public static DustSource FromMaps(string directory) => new(DustMaps.Load(directory), null);

    public static DustSource Fixed(float csfd, float planck) => new(null, (csfd, planck));

    /// <summary>"CSFD,PLANCK" as given on the command line.</summary>
    public static DustSource Parse(string ebv)
    {
        var parts = ebv.Split(',');
        if (parts.Length != 2 || !float.TryParse(parts[0], System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var a)
            || !float.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                out var b) || a < 0 || b < 0)
            throw new UserInputException($"--ebv must be two non-negative numbers CSFD,PLANCK (got '{ebv}')");
        return Fixed(a, b);
    }

    public (float Csfd, float Planck) At(double ra, double dec)
    {
        if (_fixed is { } f) return f;
        var (c, p) = _maps!.At(ra, dec);
        return ((float)c, (float)p);
    }
}

/// <summary>
/// The forced photo-z service (paper §1, §8.2): cutouts at a position (services or a local folder), E(B−V) from the
/// dust maps, the network in evaluation mode (no random augmentation), optional CalPIT recalibration. The model is
/// loaded once; concurrent requests are gathered for up to <see cref="BatchWindow"/> into one forward pass of at
/// most <see cref="MaxBatch"/> galaxies, all torch work on one thread.
/// </summary>
public sealed class ForcedPhotoZ : IDisposable
{
    public const int MaxBatch = 16;
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(10);

    private readonly PhotoZNetwork _model;
    private readonly Device _device;
    private readonly ICutoutSource _source;
    private readonly DustSource _dust;
    private readonly IRecalibrator? _calibration;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Thread _worker;
    private readonly InputLayout _layout;
    private readonly FusedInputCpu _fused;
    private readonly Models.ModelCard _card;
    private readonly double[] _centres;

    private sealed record Pending(CutoutSample Sample, float EbvCsfd, float EbvPlanck, TaskCompletionSource<(float[] P, int Batch)> Done);

    public ForcedPhotoZ(PhotoZNetwork model, Device device, ICutoutSource source, DustSource dust, IRecalibrator? calibration = null)
    {
        _model = model;
        _device = device;
        _source = source;
        _dust = dust;
        _calibration = calibration;
        model.eval();
        _card = Models.ModelCard.Of(model.Config);
        _centres = _card.ClassValues(model.Config.Classes);
        _layout = InputLayouts.Create(model.Config.Fusion, MaxBatch);
        _fused = new FusedInputCpu(_layout);
        _worker = new Thread(Loop) { IsBackground = true, Name = "forced-photo-z" };
        _worker.Start();
    }

    public bool HasCalibration => _calibration is not null;

    // What the streaming path (ForcedPipeline) shares with the service: one model, one place.
    internal PhotoZNetwork Model => _model;
    internal Device Device => _device;
    internal DustSource Dust => _dust;
    internal IRecalibrator? Calibration => _calibration;

    /// <summary>Where the cutouts come from (the web page asks a local folder for an example position).</summary>
    public ICutoutSource Source => _source;

    /// <summary>Forward passes run so far and the galaxies they held (batching statistics).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Galaxies in those forward passes.</summary>
    public long Galaxies => Interlocked.Read(ref _galaxies);

    private long _batches, _galaxies;

    public async Task<ForcedResult> PredictAsync(string name, double ra, double dec, bool calibrate, CancellationToken cancel = default)
    {
        var p = SkyPosition.Checked(ra, dec, string.IsNullOrEmpty(name) ? null : name);
        if (calibrate && _calibration is null) throw new UserInputException("calibration was asked for, but the service has none (start " +
            "it with --calibration CALIB)");
        var sample = await _source.GetAsync(p, cancel);
        var (csfd, planck) = _dust.At(ra, dec);
        var done = new TaskCompletionSource<(float[] P, int Batch)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Pending(sample, csfd, planck, done), cancel);
        Diagnostics.EngineMetrics.QueueDepth.Add(1, ForcedQueue);
        // The S/N (≈ 4 ms of source extraction) is measured here, while the batch runs, not on the network's thread.
        // One extraction per position: all 9 bands when the calibration needs them (r's S/N among them), else r alone.
        var targets = calibrate ? Sources.TargetPhotometry.MeasureSample(sample.Pixels) : null;
        double snrR = targets is not null
            ? targets[BandTable.Get(Band.r).Channel].SignalToNoise
            : Sources.TargetPhotometry.SignalToNoise(sample.Pixels, Band.r);
        var (probabilities, batchSize) = await done.Task.WaitAsync(cancel);
        if (calibrate)
        {
            var features = CalibrationFeatures.FromTargets(targets!, csfd, planck);
            probabilities = _calibration!.Recalibrate([probabilities], [features])[0];
        }
        return new ForcedResult(name, ra, dec, csfd, planck, probabilities, PdfSummary.From(probabilities, _centres), sample.Flags,
            calibrate, snrR)
        {
            BatchSize = batchSize, Sample = sample,
        };
    }

    private static readonly KeyValuePair<string, object?> ForcedQueue = Diagnostics.EngineMetrics.Tag("queue", "forced");

    private void Loop()
    {
        var batch = new List<Pending>(MaxBatch);
        while (true)
        {
            batch.Clear();
            try
            {
                if (!_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return;
                var deadline = DateTime.UtcNow + BatchWindow;
                while (batch.Count < MaxBatch)
                {
                    if (_queue.Reader.TryRead(out var item))
                    {
                        Diagnostics.EngineMetrics.QueueDepth.Add(-1, ForcedQueue);
                        batch.Add(item);
                        continue;
                    }
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) break;
                    var wait = _queue.Reader.WaitToReadAsync().AsTask();
                    if (!wait.Wait(left) || !wait.Result) break;
                }
                float[][] probabilities;
                using (Diagnostics.EngineMetrics.Activities.StartActivity("forced.batch")?.SetTag("samples", batch.Count))
                using (Diagnostics.StageTimings.Stage("forward", batch.Count))
                    probabilities = Forward(batch);
                Diagnostics.EngineMetrics.Samples.Add(batch.Count, Diagnostics.EngineMetrics.Tag("kind", "inference"));
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _galaxies, batch.Count);
                for (int i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult((probabilities[i], batch.Count));
            }
            catch (Exception e)
            {
                foreach (var item in batch) item.Done.TrySetException(e);
            }
        }
    }

    private float[][] Forward(List<Pending> batch)
    {
        int n = batch.Count, stride = BandTable.NativePixelsPerSample;
        var raw = new float[n * stride];
        for (int i = 0; i < n; i++)
        {
            batch[i].Sample.Pixels.CopyTo(raw, i * stride);
            NanTreatments.Apply(_card, raw.AsSpan(i * stride, stride));
        }
        var output = new float[_layout.OutputLength];
        var augment = Enumerable.Repeat(SampleAugment.Identity, n).ToArray();
        _fused.Run(raw, n, augment, output);
        using var _ = torch.inference_mode();
        using var scope = NewDisposeScope();
        var inputs = InputLayouts.Tensors(_layout, output, n, _device);
        var ebv = tensor(batch.SelectMany(b => new[] { b.EbvCsfd, b.EbvPlanck }).ToArray(), [n, 2]).to(_device);
        var p = nn.functional.softmax(_model.call(inputs, ebv), 1).cpu().contiguous().data<float>().ToArray();
        int classes = p.Length / n;
        return Enumerable.Range(0, n).Select(i =>
        {
            var row = p.AsSpan(i * classes, classes).ToArray();
            Predictor.Normalise(row);
            return row;
        }).ToArray();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Join(TimeSpan.FromSeconds(5));
    }
}
