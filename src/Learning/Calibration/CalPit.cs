using System.Globalization;
using System.Text;
using System.Text.Json;
using MantisShrimp.Engine.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Calibration;

public sealed record CalPitOptions
{
    public MonotonicNetworkConfig Network { get; init; } = new();
    /// <summary>α draws per galaxy per epoch (fresh each epoch).</summary>
    public int AlphasPerGalaxy { get; init; } = 16;
    public int BatchSize { get; init; } = 1024;
    public int MaxEpochs { get; init; } = 60;
    /// <summary>Early stopping: epochs without a better held-out loss.</summary>
    public int Patience { get; init; } = 6;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Exponential learning-rate decay per epoch.</summary>
    public double LearningRateDecay { get; init; } = 0.95;
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>
    /// Standard deviation of Gaussian noise added to the standardised features during training. With a calibration set
    /// of thousands rather than the paper's 4.4 M-galaxy validation split, the network otherwise memorises each
    /// galaxy's PIT from its 83 features within a few epochs (measured: training BCE below the noise-only optimum of 0.5
    /// while the held-out BCE rises); noise keeps r̂ local only where the features genuinely cluster.
    /// </summary>
    public double FeatureNoise { get; init; } = 1.0;
    /// <summary>Fraction of the galaxies held out for early stopping.</summary>
    public double HoldOut { get; init; } = 0.2;
    /// <summary>
    /// Fraction held out, apart from the early-stopping galaxies, to choose the stage (identity, global or local): a
    /// loss the fit never saw, so picking among the stages is not biased by early stopping having picked epochs on it.
    /// </summary>
    public double Selection { get; init; } = 0.2;
    /// <summary>Null: the stage is chosen on the selection galaxies; "identity", "global" or "local" forces it.</summary>
    public string? Stage { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>libtorch threads during the fit (0: all cores). Results depend on the count: pin it to reproduce a fit on another
    /// machine.</summary>
    public int Threads { get; init; }
}

/// <summary>What a calibration was fitted on and how (calibration.json).</summary>
public sealed record CalPitManifest
{
    public required MonotonicNetworkConfig Network { get; init; }
    public required float[] FeatureMean { get; init; }
    public required float[] FeatureStd { get; init; }
    public string[] FeatureNames { get; init; } = CalibrationFeatures.Names();
    public string? Model { get; init; }
    public int Galaxies { get; init; }
    public int BestEpoch { get; init; }
    public double BestHoldOutLoss { get; init; }
    /// <summary>
    /// The stage applied: "identity" (PDFs unchanged), "global" (r̂ of α alone) or "local" (r̂ of α and the features);
    /// chosen on the selection galaxies (<see cref="CalPit.ChooseStage"/>). Files written before the choice existed were local.
    /// </summary>
    public string Stage { get; init; } = CalPit.Local;
    /// <summary>Mean selection-set BCE of each stage (identity, global, local).</summary>
    public Dictionary<string, double> SelectionLoss { get; init; } = [];
    public int SelectionGalaxies { get; init; }
    public List<Dictionary<string, double>> History { get; init; } = [];
}

/// <summary>
/// CalPIT (Dey et al. 2022; paper App. B): a monotonic network r̂(α; x) ≈ P(PIT ≤ α | x) learnt from (α ~ U(0,1),
/// features x) → 1{PIT(x) ≤ α} with binary cross-entropy; a PDF is recalibrated by mapping its CDF through r̂ on the
/// class edges, interpolating monotonically (PCHIP) and taking the derivative as the new density.
/// </summary>
public sealed class CalPit : IRecalibrator
{
    public const string ManifestFile = "calibration.json", WeightsFile = "calibrator.bin", HistoryFile = "history.csv";
    public const string Identity = "identity", Global = "global", Local = "local";

    /// <summary>r̂ is clipped to [ε, 1 − ε] in the selection BCE, as the normalised link's training loss.</summary>
    private const double SelectionEpsilon = 1e-6;
    private static readonly JsonSerializerOptions Json =
        new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private CalPit(MonotonicNetwork network, CalPitManifest manifest)
    {
        Network = network;
        Manifest = manifest;
        network.eval();
    }

    public MonotonicNetwork Network { get; }
    public CalPitManifest Manifest { get; }

    /// <summary>Fits r̂ on (features, PIT) of a calibration set (the paper: the validation split).</summary>
    public static CalPit Fit(IReadOnlyList<float[]> features, IReadOnlyList<double> pit, CalPitOptions o,
        IProgressReporter? progress = null, string? model = null) =>
        Compute.TorchDevice.WithThreads(o.Threads, () => FitWithThreads(features, pit, o, progress, model));

    private static CalPit FitWithThreads(IReadOnlyList<float[]> features, IReadOnlyList<double> pit, CalPitOptions o,
        IProgressReporter? progress, string? model)
    {
        progress ??= NullProgress.Instance;
        int n = features.Count, f = o.Network.Features;
        if (n != pit.Count) throw new ArgumentException("One PIT value per feature row.");
        if (n < 10) throw new UserInputException($"CalPIT needs at least 10 calibration galaxies (got {n})");
        if (o.Stage is not (null or Identity or Global or Local))
            throw new ArgumentException($"CalPIT stage must be {Identity}, {Global} or {Local} (got '{o.Stage}')");
        var (mean, std) = Standardisation(features, f);
        var x = new float[n * f];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) x[i * f + j] = Standardised(features[i][j], mean[j], std[j]);
        if (pit.Any(v => !double.IsFinite(v))) throw new ArgumentException("PIT values must be finite.");

        // A stream of the seed, not the raw SplitMix64(seed) ingest shuffles its split with.
        var rng = SplitMix64.ForStream(o.Seed, 0);
        var (holdOut, selection, train) = SplitGalaxies(n, o, ref rng);

        torch.random.manual_seed((long)(o.Seed & 0x3FFFFFFFFFFFFFFF));
        var network = new MonotonicNetwork(o.Network);
        var optimizer = optim.AdamW(network.parameters(), o.LearningRate, weight_decay: o.WeightDecay);
        var xAll = tensor(x, [n, f]);
        var pitAll = tensor(pit.Select(v => (float)v).ToArray());
        // Held-out pairs are drawn once, so the early-stopping loss compares like with like.
        var (hIndex, hAlpha) = Pairs(holdOut, o.AlphasPerGalaxy, ref rng);
        var (sIndex, sAlpha) = Pairs(selection, o.AlphasPerGalaxy, ref rng);
        var history = new List<Dictionary<string, double>>();
        int epochCount = 0;
        var bestOf = new Dictionary<string, (double Loss, int Epoch, Dictionary<string, Tensor>? State)>();
        using var task = progress.Start("calibration epochs", 2L * o.MaxEpochs);
        var fit = new StageFit(network, optimizer, pitAll, train, hIndex, hAlpha, o, history, task);
        // Stage 1 ("global"): features zeroed, so r̂ depends on α alone — a one-dimensional fit that cannot memorise
        // galaxies. Stage 2 ("local"): the real features, starting from the global optimum. Each stage keeps its best
        // epoch on the early-stopping galaxies; the stage applied is then chosen on the selection galaxies.
        using var zeros = torch.zeros_like(xAll);
        var stages = new[] { (Global, zeros), (Local, xAll) };
        Dictionary<string, Tensor>? previous = null;
        foreach (var (stage, inputs) in stages)
        {
            if (previous is not null) network.load_state_dict(previous);
            bestOf[stage] = FitStage(fit, stage, inputs, ref rng, ref epochCount);
            previous = bestOf[stage].State;
        }
        var (chosen, perGalaxy) = ChooseAndLoad(network, bestOf, stages, sIndex, sAlpha, pit, selection, o);
        double identityHoldOut = GalaxyLosses(hIndex, hAlpha, hAlpha, pit, holdOut).Average();
        optimizer.Dispose();
        xAll.Dispose();
        pitAll.Dispose();
        var manifest = new CalPitManifest
        {
            Network = o.Network, FeatureMean = mean, FeatureStd = std, Model = model, Galaxies = n, History = history,
            BestEpoch = chosen == Identity ? 0 : bestOf[chosen].Epoch,
            BestHoldOutLoss = chosen == Identity ? identityHoldOut : bestOf[chosen].Loss,
            Stage = chosen, SelectionGalaxies = selection.Length,
            SelectionLoss = perGalaxy.ToDictionary(kv => kv.Key, kv => kv.Value.Average()),
        };
        return new CalPit(network, manifest);
    }

    /// <summary>The galaxies shuffled, then cut into early-stopping, stage-selection and training galaxies (at least 1, 2
    /// and 1).</summary>
    private static (int[] HoldOut, int[] Selection, int[] Train) SplitGalaxies(int n, CalPitOptions o, ref SplitMix64 rng)
    {
        var order = Enumerable.Range(0, n).ToArray();
        rng.Shuffle<int>(order);
        int held = Math.Clamp((int)Math.Round(n * o.HoldOut), 1, n - 3);
        int chosenBy = Math.Clamp((int)Math.Round(n * o.Selection), 2, n - held - 1);
        return (order[..held], order[held..(held + chosenBy)], order[(held + chosenBy)..]);
    }

    /// <summary>What the two stages' epochs share: the network and its optimiser, the PIT values, the training galaxies, the
    /// held-out pairs (drawn once, so the early-stopping loss compares like with like), the options and the history.</summary>
    private sealed record StageFit(MonotonicNetwork Network, AdamW Optimizer, Tensor Pit, int[] Train, int[] HoldIndex,
        float[] HoldAlpha, CalPitOptions Options, List<Dictionary<string, double>> History, IProgressTask Task);

    /// <summary>
    /// One stage's epochs (fresh training pairs each, the learning rate decaying per epoch), stopped after
    /// <see cref="CalPitOptions.Patience"/> epochs without a better held-out loss: the best epoch's held-out loss, its number
    /// (counted over both stages) and a copy of its state.
    /// </summary>
    private static (double Loss, int Epoch, Dictionary<string, Tensor>? State) FitStage(StageFit fit, string stage, Tensor inputs,
        ref SplitMix64 rng, ref int epochCount)
    {
        var o = fit.Options;
        int bad = 0;
        double best = double.PositiveInfinity;
        int bestEpoch = 0;
        Dictionary<string, Tensor>? bestState = null;
        for (int epoch = 1; epoch <= o.MaxEpochs; epoch++)
        {
            epochCount++;
            fit.Network.train();
            var (index, alpha) = Pairs(fit.Train, o.AlphasPerGalaxy, ref rng);
            double lr = o.LearningRate * Math.Pow(o.LearningRateDecay, epoch - 1);
            foreach (var g in fit.Optimizer.ParamGroups) g.LearningRate = lr;
            double trainLoss = TrainEpoch(fit, inputs, index, alpha, stage == Local ? o.FeatureNoise : 0);
            double holdLoss = HoldOutLoss(fit, inputs);
            fit.History.Add(new()
            {
                ["epoch"] = epochCount, ["local"] = stage == Local ? 1 : 0, ["train_bce"] = trainLoss,
                ["holdout_bce"] = holdLoss, ["lr"] = lr,
            });
            fit.Task.Advance();
            if (holdLoss < best - 1e-6)
            {
                best = holdLoss; bestEpoch = epochCount; bad = 0;
                if (bestState is not null) foreach (var t in bestState.Values) t.Dispose(); // this stage's earlier best
                bestState = fit.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            }
            else if (++bad >= o.Patience) break;
        }
        return (best, bestEpoch, bestState);
    }

    /// <summary>One optimiser step per mini-batch of the training pairs; the mean batch loss.</summary>
    private static double TrainEpoch(StageFit fit, Tensor inputs, int[] index, float[] alpha, double noise)
    {
        int size = fit.Options.BatchSize;
        double sum = 0;
        int batches = 0;
        for (int start = 0; start < index.Length; start += size)
        {
            using var scope = NewDisposeScope();
            int m = Math.Min(size, index.Length - start);
            var (loss, _) = Loss(fit.Network, inputs, fit.Pit, index.AsSpan(start, m), alpha.AsSpan(start, m), noise);
            fit.Optimizer.zero_grad();
            loss.backward();
            fit.Optimizer.step();
            sum += loss.item<float>();
            batches++;
        }
        return sum / Math.Max(1, batches);
    }

    /// <summary>The mean loss over the held-out pairs (the early-stopping loss), in evaluation mode.</summary>
    private static double HoldOutLoss(StageFit fit, Tensor inputs)
    {
        fit.Network.eval();
        int size = fit.Options.BatchSize;
        double holdLoss = 0;
        using (torch.no_grad())
            for (int start = 0; start < fit.HoldIndex.Length; start += size)
            {
                using var scope = NewDisposeScope();
                int m = Math.Min(size, fit.HoldIndex.Length - start);
                holdLoss += Loss(fit.Network, inputs, fit.Pit, fit.HoldIndex.AsSpan(start, m), fit.HoldAlpha.AsSpan(start, m)).Loss
                    .item<float>() * m;
            }
        return holdLoss / fit.HoldIndex.Length;
    }

    /// <summary>
    /// The stage to apply (<see cref="CalPitOptions.Stage"/>, or the one-standard-error choice on the selection galaxies'
    /// per-galaxy BCE, identity being r̂(α) = α), loaded into <paramref name="network"/> (identity keeps the global state);
    /// every stage's kept state is disposed.
    /// </summary>
    private static (string Chosen, Dictionary<string, double[]> PerGalaxy) ChooseAndLoad(MonotonicNetwork network,
        Dictionary<string, (double Loss, int Epoch, Dictionary<string, Tensor>? State)> bestOf, (string, Tensor)[] stages,
        int[] sIndex, float[] sAlpha, IReadOnlyList<double> pit, int[] selection, CalPitOptions o)
    {
        network.eval();
        var perGalaxy = new Dictionary<string, double[]>
        {
            [Identity] = GalaxyLosses(sIndex, sAlpha, sAlpha, pit, selection),
        };
        foreach (var (stage, inputs) in stages)
        {
            if (bestOf[stage].State is { } state) network.load_state_dict(state);
            perGalaxy[stage] = GalaxyLosses(sIndex, sAlpha, Probabilities(network, inputs, sIndex, sAlpha, o.BatchSize), pit, selection);
        }
        string chosen = o.Stage ?? ChooseStage(perGalaxy);
        if (chosen != Identity && bestOf[chosen].State is { } keep) network.load_state_dict(keep);
        else if (bestOf[Global].State is { } global) network.load_state_dict(global);
        foreach (var (_, _, state) in bestOf.Values)
            if (state is not null) foreach (var t in state.Values) t.Dispose();
        return (chosen, perGalaxy);
    }

    /// <summary>
    /// The stage to apply, from per-galaxy selection losses: stages in order of freedom (identity, global, local), a
    /// freer one replacing the current choice only if its mean loss is lower by more than one standard error of the
    /// paired per-galaxy difference (Breiman et al. 1984's one-standard-error rule). The choice is therefore never
    /// worse than identity on the selection galaxies, and the local stage must beat the global one beyond noise.
    /// </summary>
    public static string ChooseStage(IReadOnlyDictionary<string, double[]> perGalaxy)
    {
        string chosen = Identity;
        foreach (var stage in new[] { Global, Local })
        {
            var a = perGalaxy[stage];
            var b = perGalaxy[chosen];
            int m = a.Length;
            double mean = 0, sq = 0;
            for (int i = 0; i < m; i++) mean += a[i] - b[i];
            mean /= m;
            for (int i = 0; i < m; i++) sq += Math.Pow(a[i] - b[i] - mean, 2);
            double se = m > 1 ? Math.Sqrt(sq / (m - 1) / m) : double.PositiveInfinity;
            if (mean < -se) chosen = stage;
        }
        return chosen;
    }

    /// <summary>Mean BCE per galaxy of <paramref name="galaxies"/> (in that order) over its pairs, r̂ clipped to [ε, 1 − ε].</summary>
    private static double[] GalaxyLosses(int[] index, float[] alpha, float[] r, IReadOnlyList<double> pit, int[] galaxies)
    {
        var slot = new Dictionary<int, int>(galaxies.Length);
        for (int i = 0; i < galaxies.Length; i++) slot[galaxies[i]] = i;
        var sum = new double[galaxies.Length];
        var count = new int[galaxies.Length];
        for (int k = 0; k < index.Length; k++)
        {
            double p = Math.Clamp(r[k], SelectionEpsilon, 1 - SelectionEpsilon);
            bool below = pit[index[k]] <= alpha[k];
            int s = slot[index[k]];
            sum[s] -= below ? Math.Log(p) : Math.Log(1 - p);
            count[s]++;
        }
        for (int i = 0; i < sum.Length; i++) sum[i] /= Math.Max(1, count[i]);
        return sum;
    }

    private static float[] Probabilities(MonotonicNetwork network, Tensor x, int[] index, float[] alpha, int batch)
    {
        var r = new float[index.Length];
        using var _ = torch.no_grad();
        for (int start = 0; start < index.Length; start += batch)
        {
            using var scope = NewDisposeScope();
            int m = Math.Min(batch, index.Length - start);
            var idx = tensor(index.AsSpan(start, m).ToArray().Select(i => (long)i).ToArray());
            var score = network.call(tensor(alpha.AsSpan(start, m).ToArray()), x.index_select(0, idx));
            network.Probability(score).data<float>().CopyTo(r.AsSpan(start, m));
        }
        return r;
    }

    private static (int[] Index, float[] Alpha) Pairs(int[] galaxies, int perGalaxy, ref SplitMix64 rng)
    {
        var index = new int[galaxies.Length * perGalaxy];
        var alpha = new float[index.Length];
        for (int i = 0; i < galaxies.Length; i++)
            for (int k = 0; k < perGalaxy; k++)
            {
                index[i * perGalaxy + k] = galaxies[i];
                alpha[i * perGalaxy + k] = (float)rng.NextDouble();
            }
        // Shuffle the pairs so each mini-batch mixes galaxies.
        for (int i = index.Length - 1; i > 0; i--)
        {
            int j = (int)rng.NextInt64(i + 1);
            (index[i], index[j]) = (index[j], index[i]);
            (alpha[i], alpha[j]) = (alpha[j], alpha[i]);
        }
        return (index, alpha);
    }

    private static (Tensor Loss, Tensor Logit) Loss(MonotonicNetwork network, Tensor x, Tensor pit, ReadOnlySpan<int> index,
        ReadOnlySpan<float> alpha,
        double noise = 0)
    {
        var idx = tensor(index.ToArray().Select(i => (long)i).ToArray());
        var a = tensor(alpha.ToArray());
        var h = x.index_select(0, idx);
        if (noise > 0) h = h + randn_like(h) * noise;
        var logit = network.call(a, h);
        var target = pit.index_select(0, idx).le(a).to(ScalarType.Float32);
        return (network.Loss(logit, target), logit);
    }

    private static (float[] Mean, float[] Std) Standardisation(IReadOnlyList<float[]> features, int f)
    {
        var mean = new float[f];
        var std = new float[f];
        for (int j = 0; j < f; j++)
        {
            double s = 0, s2 = 0;
            int count = 0;
            foreach (var row in features) if (float.IsFinite(row[j])) { s += row[j]; count++; }
            double m = count > 0 ? s / count : 0;
            foreach (var row in features) if (float.IsFinite(row[j])) s2 += (row[j] - m) * (row[j] - m);
            double sd = count > 1 ? Math.Sqrt(s2 / (count - 1)) : 0;
            mean[j] = (float)m;
            std[j] = sd > 1e-12 ? (float)sd : 1f; // a constant feature is centred, not scaled
        }
        return (mean, std);
    }

    /// <summary>r̂(α; x) for each α of each row (rows: raw feature vectors; standardised here).</summary>
    public float[][] Evaluate(IReadOnlyList<float[]> features, IReadOnlyList<float[]> alphas)
    {
        int f = Manifest.Network.Features;
        var result = new float[features.Count][];
        if (Manifest.Stage == Identity)
        {
            for (int i = 0; i < features.Count; i++) result[i] = (float[])alphas[i].Clone();
            return result;
        }
        using var _ = torch.inference_mode();
        using var scope = NewDisposeScope();
        var x = new List<float>();
        var a = new List<float>();
        for (int i = 0; i < features.Count; i++)
        {
            // The global stage was fitted with the features zeroed, and is applied so.
            var h = Standardise(features[i]);
            if (Manifest.Stage == Global) Array.Clear(h);
            foreach (var alpha in alphas[i]) { x.AddRange(h); a.Add(alpha); }
        }
        var r = Network.Probability(Network.call(tensor(a.ToArray()), tensor(x.ToArray(), [a.Count, f]))).data<float>().ToArray();
        int at = 0;
        for (int i = 0; i < features.Count; i++)
        {
            result[i] = r.AsSpan(at, alphas[i].Length).ToArray();
            at += alphas[i].Length;
        }
        return result;
    }

    private float[] Standardise(float[] features)
    {
        if (features.Length != Manifest.Network.Features) throw new ArgumentException($"{features.Length} features; the calibration " +
            $"expects {Manifest.Network.Features}.");
        var h = new float[features.Length];
        for (int j = 0; j < h.Length; j++) h[j] = Standardised(features[j], Manifest.FeatureMean[j], Manifest.FeatureStd[j]);
        return h;
    }

    /// <summary>(value − mean)/std; a missing (non-finite) feature takes the mean.</summary>
    private static float Standardised(float value, float mean, float std) => float.IsFinite(value) ? (value - mean) / std : 0f;

    /// <summary>
    /// Recalibrated class probabilities: CDF on the 401 class edges → r̂ → PCHIP → derivative at the class centres ×
    /// bin width, renormalised; a row whose new density vanishes becomes uniform.
    /// </summary>
    public float[][] Recalibrate(IReadOnlyList<float[]> probabilities, IReadOnlyList<float[]> features, int rowsPerCall = 32)
    {
        var result = new float[probabilities.Count][];
        if (Manifest.Stage == Identity) return probabilities.Select(p => (float[])p.Clone()).ToArray();
        var edges = Enumerable.Range(0, RedshiftGrid.Classes + 1).Select(k => k * RedshiftGrid.BinWidth).ToArray();
        for (int start = 0; start < probabilities.Count; start += rowsPerCall)
        {
            int m = Math.Min(rowsPerCall, probabilities.Count - start);
            var cdfs = new float[m][];
            for (int i = 0; i < m; i++)
            {
                var p = probabilities[start + i];
                var cdf = new float[RedshiftGrid.Classes + 1];
                double run = 0;
                for (int k = 0; k < RedshiftGrid.Classes; k++) { run += p[k]; cdf[k + 1] = (float)Math.Min(run, 1.0); }
                cdf[^1] = 1f;
                cdfs[i] = cdf;
            }
            var r = Evaluate(features.Skip(start).Take(m).ToList(), cdfs);
            for (int i = 0; i < m; i++) result[start + i] = Density(edges, r[i]);
        }
        return result;
    }

    private static float[] Density(double[] edges, float[] cdf)
    {
        var y = new double[cdf.Length];
        y[0] = cdf[0];
        for (int k = 1; k < y.Length; k++) y[k] = Math.Max(y[k - 1], cdf[k]); // guard float ties against a dip
        var spline = new Pchip(edges, y);
        var p = new float[RedshiftGrid.Classes];
        double sum = 0;
        for (int k = 0; k < p.Length; k++)
        {
            double d = Math.Max(0, spline.Derivative(RedshiftGrid.Centre(k))) * RedshiftGrid.BinWidth;
            p[k] = (float)d;
            sum += d;
        }
        if (!(sum > 0) || !double.IsFinite(sum)) { Array.Fill(p, 1f / p.Length); return p; }
        for (int k = 0; k < p.Length; k++) p[k] = (float)(p[k] / sum);
        return p;
    }

    float[][] IRecalibrator.Recalibrate(IReadOnlyList<float[]> probabilities, IReadOnlyList<float[]> features) =>
        Recalibrate(probabilities, features);

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        // Weights first: the manifest is what marks a fit as present.
        AtomicFile.WriteVia(Path.Combine(directory, WeightsFile), tmp => Network.save(tmp));
        AtomicFile.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(Manifest, Json));
        if (Manifest.History.Count > 0)
        {
            var keys = Manifest.History[0].Keys.ToArray();
            var sb = new StringBuilder(string.Join(",", keys)).Append('\n');
            foreach (var row in Manifest.History) sb.Append(string.Join(",",
                keys.Select(k => row[k].ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
            AtomicFile.WriteAllText(Path.Combine(directory, HistoryFile), sb.ToString());
        }
    }

    public static CalPit Load(string directory)
    {
        string manifestPath = Path.Combine(directory, ManifestFile), weights = Path.Combine(directory, WeightsFile);
        if (!File.Exists(manifestPath) || !File.Exists(weights))
            throw new UserInputException($"{directory}: not a calibration folder (needs {ManifestFile} and {WeightsFile}; make one with " +
                $"mantis calibrate)");
        CalPitManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CalPitManifest>(File.ReadAllText(manifestPath), Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e) { throw new UserInputException($"{manifestPath}: not a calibration manifest ({e.Message})"); }
        if (manifest.FeatureMean.Length != manifest.Network.Features || manifest.FeatureStd.Length != manifest.Network.Features)
            throw new UserInputException($"{manifestPath}: feature mean/std have " +
                $"{manifest.FeatureMean.Length}/{manifest.FeatureStd.Length} entries for {manifest.Network.Features} features");
        var network = new MonotonicNetwork(manifest.Network);
        network.load(weights);
        return new CalPit(network, manifest);
    }

    public void Dispose() => Network.Dispose();
}
