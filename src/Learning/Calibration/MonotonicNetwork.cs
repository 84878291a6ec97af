using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Calibration;

/// <summary>Shape of the calibration network (paper: 4 hidden layers of 1024; the CPU default is smaller).</summary>
public sealed record MonotonicNetworkConfig
{
    public int Features { get; init; } = CalibrationFeatures.Count;
    public int Hidden { get; init; } = 128;
    public int Depth { get; init; } = 3;
    /// <summary>Clenshaw–Curtis nodes of the integral over α (CalPIT: 50).</summary>
    public int Nodes { get; init; } = 50;
    /// <summary>
    /// Output link. "normalised" (default): r̂(α) = ∫₀^α g / ∫₀^1 g, which holds the boundary conditions a CDF of PIT
    /// values must meet, r̂(0) = 0 and r̂(1) = 1, by construction. "sigmoid": sigmoid(exp(s)·∫₀^α g + b), the form the
    /// issue states; "clip": exp(s)·∫₀^α g + b clipped to [0, 1] (CalPIT's code default, <c>sigmoid=False</c>). With a
    /// free offset and scale the network explains the mass of the PIT histogram's ends by r̂(0) &gt; 0 and r̂(1) &lt; 1,
    /// which the recalibration's renormalisation then throws away: on PIT-uniform synthetic data sigmoid narrowed the
    /// PDFs (68% width ×0.80), and on a U-shaped PIT histogram neither sigmoid nor clip lowered the PIT KS at all (measured).
    /// </summary>
    public string Link { get; init; } = "normalised";

    public bool Normalised => Link == "normalised";

    public bool Sigmoid => Link switch
    {
        "sigmoid" => true,
        "clip" or "normalised" => false,
        _ => throw new Common.UserInputException($"--link must be normalised, sigmoid or clip (got '{Link}')"),
    };
}

/// <summary>
/// A monotonic neural network in α (UMNN, Wehenkel &amp; Louppe 2019, as CalPIT uses it):
/// r̂(α; h) = sigmoid(exp(s(h)) · ∫₀^α g(t, h) dt + b(h)) with g = ELU(MLP([t, h])) + 1 &gt; 0, so r̂ increases with α.
/// The integral is Clenshaw–Curtis quadrature. <see cref="Module{T1,T2,TResult}.forward"/> returns the logit.
/// The first layer of g is split into an h part (computed once per row) and a t part (per node).
/// </summary>
public sealed class MonotonicNetwork : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear integrand_h;
    private readonly Linear integrand_t;
    private readonly Sequential integrand;
    private readonly Sequential offset;
    private readonly Tensor _nodes, _weights;

    public MonotonicNetwork(MonotonicNetworkConfig config) : base("MonotonicNetwork")
    {
        Config = config;
        integrand_h = Linear(config.Features, config.Hidden);
        integrand_t = Linear(1, config.Hidden, hasBias: false);
        var layers = new List<Module<Tensor, Tensor>>();
        for (int i = 1; i < config.Depth; i++) { layers.Add(ReLU()); layers.Add(Linear(config.Hidden, config.Hidden)); }
        layers.Add(ReLU());
        layers.Add(Linear(config.Hidden, 1));
        integrand = Sequential(layers.ToArray());
        var off = new List<Module<Tensor, Tensor>> { Linear(config.Features, config.Hidden) };
        for (int i = 1; i < config.Depth; i++) { off.Add(ReLU()); off.Add(Linear(config.Hidden, config.Hidden)); }
        off.Add(ReLU());
        off.Add(Linear(config.Hidden, 2));
        offset = Sequential(off.ToArray());
        // The feature inputs start at zero: the network begins as one global r̂(α) and becomes local only as far as the
        // data pull it (early stopping then catches it before it memorises a small calibration set).
        using (torch.no_grad())
        {
            integrand_h.weight!.zero_();
            ((Linear)off[0]).weight!.zero_();
        }
        var (nodes, weights) = ClenshawCurtis.UnitInterval(config.Nodes);
        _nodes = tensor(nodes.Select(v => (float)v).ToArray());
        _weights = tensor(weights.Select(v => (float)v).ToArray());
        RegisterComponents();
    }

    public MonotonicNetworkConfig Config { get; }

    /// <summary>r̂ from the network's score: sigmoid, or clipping to [0, 1].</summary>
    public Tensor Probability(Tensor score) => Config.Sigmoid ? torch.sigmoid(score) : score.clamp(0.0, 1.0);

    private static readonly double Epsilon = 1e-6;

    /// <summary>
    /// g = ELU(·) + 1 + 1e-6: in float32 ELU(x) is exactly −1 below x ≈ −17, which would make g = 0 on all nodes and
    /// the normalised r̂ = 0/0 (seen on the demo model's PDFs); the floor keeps g strictly positive.
    /// </summary>
    private const double IntegrandFloor = 1 + 1e-6;

    /// <summary>Binary cross-entropy of scores against 0/1 targets (the clip link's probabilities kept within [0.001, 0.999], so one
    /// confidently wrong pair cannot dominate a batch).</summary>
    public Tensor Loss(Tensor score, Tensor target) => Config.Sigmoid
        ? functional.binary_cross_entropy_with_logits(score, target)
        : functional.binary_cross_entropy(score.clamp(Config.Normalised ? Epsilon : 1e-3, Config.Normalised ? 1 - Epsilon : 1 - 1e-3),
            target);

    /// <summary>Score of r̂(α; h) (the logit for the sigmoid link) for α [B] and standardised features h [B, F].</summary>
    public override Tensor forward(Tensor alpha, Tensor h)
    {
        using var scope = NewDisposeScope();
        var nodes = _nodes.to(alpha.device);
        var weights = _weights.to(alpha.device);
        var hp = integrand_h.call(h);                                   // [B, W]
        var t = alpha.unsqueeze(1) * nodes.unsqueeze(0);                // [B, N]: nodes of [0, α]
        var z = hp.unsqueeze(1) + integrand_t.call(t.unsqueeze(2));     // [B, N, W]
        var g = functional.elu(integrand.call(z).squeeze(2), 1.0) + IntegrandFloor; // [B, N], > 0
        var integral = alpha * (g * weights.unsqueeze(0)).sum(1);       // ∫₀^α g dt
        if (Config.Normalised)
        {
            var zFull = hp.unsqueeze(1) + integrand_t.call(nodes.view(1, -1, 1)); // nodes of [0, 1]
            var full = (functional.elu(integrand.call(zFull).squeeze(2), 1.0) + IntegrandFloor) * weights.unsqueeze(0);
            return (integral / full.sum(1)).MoveToOuterDisposeScope();
        }
        var bs = offset.call(h);
        var logit = bs.select(1, 1).exp() * integral + bs.select(1, 0);
        return logit.MoveToOuterDisposeScope();
    }
}
