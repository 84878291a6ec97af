using System.Text.Json;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Calibration;

/// <summary>How the published CalPIT model is applied (published_calpit.json, written by <c>mantis import-calibration</c>).</summary>
public sealed record PublishedCalPitManifest
{
    /// <summary>Hidden widths of both MLPs (the published model: [1024, 1024, 1024, 1024]).</summary>
    public required int[] Hidden { get; init; }
    /// <summary>Clenshaw–Curtis steps of the integral (MonotonicNN's default nb_steps; models.trained_calPIT_model keeps it).</summary>
    public int Steps { get; init; } = 50;
    public required double[] FeatureMean { get; init; }
    public required double[] FeatureStd { get; init; }
    /// <summary>Whether FeatureStd came from the mean file, as pipeline.get_feature_vector loads it (its std_path names
    /// calpit_mean.npy).</summary>
    public bool StdFromMeanFile { get; init; }
    /// <summary>pipeline.get_feature_vector divides the standardised features by 3 (as the calibration notebook did).</summary>
    public double FeatureDivisor { get; init; } = 3;
    /// <summary>
    /// The notebook that fitted the model (NOTEBOOKS/GettingCalpitToWork.ipynb) fed CalPIT PDFs smoothed as
    /// normalize((p + 0.01) / Σ(p + 0.01), linspace(0, 1.6, 400)); applied the same way here.
    /// </summary>
    public double Smoothing { get; init; } = 0.01;
    /// <summary>Band order of the features: extract_magnitude's index k reads the GALEX cube as stored (NUV first).</summary>
    public string[] FeatureBands { get; init; } = ["NUV", "FUV", "g", "r", "i", "z", "y", "W1", "W2"];
    public string? Source { get; init; }
}

/// <summary>The CalPIT package's IntegrandNN: net = [Linear, ReLU]× … Linear(→1), ELU; g(x, h) = net([x, h]) + 1.</summary>
public sealed class IntegrandNN : Module<Tensor, Tensor>
{
    private readonly Sequential net;

    public IntegrandNN(int inputs, int[] hidden) : base("IntegrandNN")
    {
        net = Sequential(PublishedCalPit.Layers(inputs, hidden, 1, ELU()));
        RegisterComponents();
    }

    public override Tensor forward(Tensor xh) => net.call(xh) + 1.0;
}

/// <summary>
/// CalPIT's MonotonicNN(84, [1024]*4, sigmoid=True) (calpit.nn.umnn, after UMNN's ParallelNeuralIntegral): input
/// [α, 83 features]; r̂ = sigmoid(exp(s)·∫₀^α g(t, h) dt + b) with (b, s) = net(h) and the integral by Clenshaw–Curtis on
/// nb_steps + 1 nodes. Field names are the state dict's (integrand.net.N.*, net.N.*).
/// </summary>
public sealed class MonotonicNN : Module<Tensor, Tensor>
{
    private readonly IntegrandNN integrand;
    private readonly Sequential net;
    // Arrays, not tensor fields: RegisterComponents would make them buffers, and the state dict is to hold the file's keys only.
    private readonly float[] _weights, _steps;

    public MonotonicNN(int inputs, int[] hidden, int steps) : base("MonotonicNN")
    {
        integrand = new IntegrandNN(inputs, hidden);
        net = Sequential(PublishedCalPit.Layers(inputs - 1, hidden, 2, null));
        (_weights, _steps) = Weights(steps);
        RegisterComponents();
    }

    /// <summary>UMNN's compute_cc_weights (double, then float32 as .float() does): weights and cos(kπ/N) nodes on [−1, 1].</summary>
    public static (float[] Weights, float[] Steps) Weights(int n)
    {
        var lam = new double[n + 1, n + 1];
        for (int i = 0; i <= n; i++)
            for (int j = 0; j <= n; j++) lam[i, j] = Math.Cos((double)(i * j) * Math.PI / n);
        for (int i = 0; i <= n; i++) { lam[i, 0] = 0.5; lam[i, n] *= 0.5; }
        var w = new double[n + 1];
        for (int k = 0; k <= n; k++) w[k] = k == 0 ? 1 : k % 2 == 1 ? 0 : 2.0 / (1 - (double)k * k);
        var weights = new float[n + 1];
        for (int j = 0; j <= n; j++)
        {
            double sum = 0;
            for (int i = 0; i <= n; i++) sum += lam[i, j] * 2 / n * w[i]; // (lam.T @ W)[j]
            weights[j] = (float)sum;
        }
        var steps = Enumerable.Range(0, n + 1).Select(k => (float)Math.Cos(k * Math.PI / n)).ToArray();
        return (weights, steps);
    }

    /// <summary>r̂ for rows [α, h…] [B, 1 + F].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long b = input.shape[0], nodes = _steps.Length;
        var steps = tensor(_steps, device: input.device);
        var weights = tensor(_weights, device: input.device);
        var x = input.narrow(1, 0, 1);                                         // [B, 1]
        var h = input.narrow(1, 1, input.shape[1] - 1);                        // [B, F]
        var out_ = net.call(h);
        var offset = out_.narrow(1, 0, 1);
        var scaling = out_.narrow(1, 1, 1).exp();
        // integrate(x0 = 0, nb_steps, step_sizes = x / nb_steps): its upper end is x0 + nb_steps·step_sizes, not x itself.
        long n = nodes - 1;
        var xT = x / n * n;
        var xSteps = (xT.unsqueeze(1) * (steps.view(1, -1, 1) + 1) / 2).reshape(-1, 1);
        var hSteps = h.unsqueeze(1).expand(-1, nodes, -1).reshape(-1, h.shape[1]);
        var dzs = integrand.call(cat([xSteps, hSteps], 1)).view(b, nodes, -1) * weights.view(1, -1, 1);
        var integral = dzs.sum(1) * xT / 2;
        return torch.sigmoid(scaling * integral + offset).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The published Mantis Shrimp CalPIT (models.trained_calPIT_model, calpit_checkpoint.pt) applied as the CalPIT package's
/// CalPit.transform does it: features standardised as pipeline.get_feature_vector does, ((f − mean)/std)/3; the PDF
/// smoothed and normalised as the fitting notebook did (<see cref="PublishedCalPitManifest.Smoothing"/>); its CDF on
/// y = linspace(0, 1.6, 400) by cumulative trapezoids; r̂(CDF_k; x) at every grid point; scipy's PCHIP through those and
/// its derivative at the grid points; renormalised to class probabilities.
/// </summary>
public sealed class PublishedCalPit : IRecalibrator
{
    public const string ManifestFile = "published_calpit.json", WeightsFile = "published_calpit.bin";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly MonotonicNN _network;
    private readonly int[] _featureOrder;

    private PublishedCalPit(MonotonicNN network, PublishedCalPitManifest manifest)
    {
        _network = network;
        Manifest = manifest;
        network.eval();
        _featureOrder = FeatureOrder(manifest.FeatureBands);
    }

    public PublishedCalPitManifest Manifest { get; }

    internal static Module<Tensor, Tensor>[] Layers(int inputs, int[] hidden, int outputs, Module<Tensor, Tensor>? last)
    {
        var sizes = new[] { inputs }.Concat(hidden).Append(outputs).ToArray();
        var layers = new List<Module<Tensor, Tensor>>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(Linear(sizes[i], sizes[i + 1]));
            if (i + 2 < sizes.Length) layers.Add(ReLU());
        }
        if (last is not null) layers.Add(last);
        return layers.ToArray();
    }

    /// <summary>
    /// Where each of the model's 83 features sits among the engine's (<see cref="CalibrationFeatures"/>: the same
    /// formulas — 72 ordered luptitude differences, 2 E(B−V), 9 luptitudes — in the engine's band order).
    /// </summary>
    private static int[] FeatureOrder(string[] bands)
    {
        var band = bands.Select(n => BandTable.Parse(n).Channel).ToArray();
        int nb = band.Length;
        int Pair(int a, int b) => a * (nb - 1) + (b < a ? b : b - 1); // position of L[a] − L[b] among the a ≠ b pairs
        var order = new List<int>();
        for (int a = 0; a < nb; a++)
            for (int b = 0; b < nb; b++)
                if (a != b) order.Add(Pair(band[a], band[b]));
        order.Add(nb * (nb - 1));
        order.Add(nb * (nb - 1) + 1);
        order.AddRange(band.Select(c => nb * (nb - 1) + 2 + c));
        return order.ToArray();
    }

    public float[][] Recalibrate(IReadOnlyList<float[]> probabilities, IReadOnlyList<float[]> features)
    {
        var result = new float[probabilities.Count][];
        for (int i = 0; i < probabilities.Count; i++) result[i] = RecalibrateOne(probabilities[i], Standardise(features[i]));
        return result;
    }

    /// <summary>The model's input features from the engine's feature vector: reordered, ((f − mean)/std)/divisor.</summary>
    public float[] Standardise(float[] engineFeatures)
    {
        if (engineFeatures.Length != _featureOrder.Length)
            throw new ArgumentException($"{engineFeatures.Length} features; the published CalPIT takes {_featureOrder.Length}");
        var h = new float[_featureOrder.Length];
        for (int j = 0; j < h.Length; j++)
            h[j] = (float)((engineFeatures[_featureOrder[j]] - Manifest.FeatureMean[j]) / Manifest.FeatureStd[j] / Manifest.FeatureDivisor);
        return h;
    }

    /// <summary>CalPit.transform for one galaxy with already standardised features (model order).</summary>
    public float[] RecalibrateOne(float[] p, float[] h)
    {
        int n = p.Length;
        var grid = Enumerable.Range(0, n).Select(k => k * RedshiftGrid.ZMax / (n - 1)).ToArray(); // linspace(0, 1.6, n)
        double total = 0;
        foreach (var v in p) total += v + Manifest.Smoothing;
        var cde = p.Select(v => (v + Manifest.Smoothing) / total).ToArray();
        Normalise(cde, grid);
        var cdf = new double[n]; // trapz_grid
        for (int k = 1; k < n; k++) cdf[k] = cdf[k - 1] + (grid[k] - grid[k - 1]) * (cde[k] + cde[k - 1]) / 2;
        var rows = new float[n * (1 + h.Length)];
        for (int k = 0; k < n; k++)
        {
            rows[k * (1 + h.Length)] = (float)cdf[k];
            h.CopyTo(rows, k * (1 + h.Length) + 1);
        }
        float[] r;
        using (torch.inference_mode())
        using (NewDisposeScope())
            r = _network.call(tensor(rows, [n, 1 + h.Length])).clamp(0.0, 1.0).data<float>().ToArray();
        var spline = new Pchip(grid, r.Select(v => (double)v).ToArray());
        var density = grid.Select(spline.Derivative).ToArray();
        double sum = density.Sum();
        var q = new float[n];
        if (!(sum > 0) || !double.IsFinite(sum)) { Array.Fill(q, 1f / n); return q; }
        for (int k = 0; k < n; k++) q[k] = (float)(density[k] / sum);
        return q;
    }

    /// <summary>calpit.utils.normalize for a density whose trapezoid area is below 1 (always, for class probabilities): ÷ area.</summary>
    private static void Normalise(double[] density, double[] grid)
    {
        double area = 0;
        for (int k = 1; k < density.Length; k++)
            area += (grid[k] - grid[k - 1]) * (Math.Max(density[k], 0) + Math.Max(density[k - 1], 0)) / 2;
        if (area <= 0) { Array.Fill(density, 1 / (grid[^1] - grid[0])); return; }
        if (area >= 1) throw new InvalidOperationException("a density of class probabilities over linspace(0, 1.6) has trapezoid area < 1");
        for (int k = 0; k < density.Length; k++) density[k] = Math.Max(density[k] / area, 0);
    }

    /// <summary>
    /// <c>mantis import-calibration</c>: the CalPIT state dict (torch.save of MonotonicNN.state_dict()) and the feature
    /// statistics (.npy) as a calibration folder for --calibration. <paramref name="stdFromMean"/> reproduces
    /// pipeline.get_feature_vector, which divides by the mean file.
    /// </summary>
    public static PublishedCalPit Import(string checkpoint, string meanFile, string stdFile, bool stdFromMean, string output)
    {
        var (mean, meanShape) = NpyReader.Read(meanFile);
        var (std, _) = NpyReader.Read(stdFromMean ? meanFile : stdFile);
        if (mean.Length != CalibrationFeatures.Count)
            throw new UserInputException($"{meanFile}: {mean.Length} values (shape ({string.Join(", ", meanShape)})); "
                + $"the published CalPIT has {CalibrationFeatures.Count} features");
        if (std.Length != mean.Length)
            throw new UserInputException($"{(stdFromMean ? meanFile : stdFile)}: {std.Length} values, {mean.Length} expected");
        var state = Models.PyTorchWeights.Read(checkpoint);
        try
        {
            var hidden = new List<int>();
            for (int i = 0; state.TryGetValue($"integrand.net.{2 * i}.weight", out var layer); i++) hidden.Add((int)layer.shape[0]);
            if (hidden.Count < 2)
                throw new UserInputException($"{checkpoint}: not a CalPIT MonotonicNN state dict (no integrand.net.N.weight)");
            int inputs = (int)state["integrand.net.0.weight"].shape[1];
            hidden.RemoveAt(hidden.Count - 1); // the last Linear is the output (→ 1)
            if (inputs != CalibrationFeatures.Count + 1)
                throw new UserInputException(
                    $"{checkpoint}: integrand.net.0.weight takes {inputs} inputs; "
                    + $"the published CalPIT takes {CalibrationFeatures.Count} features + α");
            var manifest = new PublishedCalPitManifest
            {
                Hidden = hidden.ToArray(), FeatureMean = mean, FeatureStd = std, StdFromMeanFile = stdFromMean,
                Source = Path.GetFullPath(checkpoint),
            };
            var network = new MonotonicNN(inputs, manifest.Hidden, manifest.Steps);
            var target = network.state_dict();
            if (state.Keys.FirstOrDefault(k => !target.ContainsKey(k)) is { } extra)
                throw new UserInputException($"{checkpoint}: unexpected key {extra}");
            using (no_grad())
                foreach (var (key, into) in target)
                {
                    if (!state.TryGetValue(key, out var value)) throw new UserInputException($"{checkpoint}: lacks {key}");
                    if (!value.shape.SequenceEqual(into.shape))
                        throw new UserInputException($"{checkpoint}: {key} has shape [{string.Join(", ", value.shape)}], "
                            + $"MonotonicNN's [{string.Join(", ", into.shape)}]");
                    into.copy_(value.to(ScalarType.Float32));
                }
            var result = new PublishedCalPit(network, manifest);
            result.Save(output);
            return result;
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    private void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteVia(Path.Combine(directory, WeightsFile), tmp => _network.save(tmp));
        AtomicFile.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(Manifest, Json));
    }

    public static PublishedCalPit Load(string directory)
    {
        string manifestPath = Path.Combine(directory, ManifestFile), weights = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weights))
            throw new UserInputException($"{directory}: {WeightsFile} is missing (run mantis import-calibration again)");
        PublishedCalPitManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PublishedCalPitManifest>(File.ReadAllText(manifestPath), Json)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e) { throw new UserInputException($"{manifestPath}: not a published CalPIT manifest ({e.Message})"); }
        var network = new MonotonicNN(CalibrationFeatures.Count + 1, manifest.Hidden, manifest.Steps);
        network.load(weights);
        return new PublishedCalPit(network, manifest);
    }

    public void Dispose() => _network.Dispose();
}
