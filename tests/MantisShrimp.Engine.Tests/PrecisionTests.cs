using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Shapley;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// <c>--precision bf16</c>. The tolerance comes from bf16 itself: 8 significant bits, so round-to-nearest has relative
/// error at most u = 2⁻⁸. A backbone that rounds R times along its deepest path (input, stem conv and norm; per
/// downsample norm and conv; per block depthwise conv, norm, fc1, GELU, fc2, γ and the residual sum; pooling and the
/// head norm) keeps, to first order and with its layers not amplifying relative error (each is followed by a
/// LayerNorm), |Δf| ≤ R·u·max|f| — a worst case, not a fit to what bf16 gives here. Past the features, everything is
/// float32 and checked to be exactly the float32 head and softmax.
/// </summary>
[Collection("Allocation")] // runs networks with all cores
public class PrecisionTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private const double Unit = 1.0 / 256; // 2⁻⁸

    private static int Roundings(ConvNeXtSpec spec) => 1 + 2 + 3 * 2 + 7 * spec.Depths.Sum() + 2;

    private static readonly HashSet<string> WithBf16 = ["fpu", "avx512f", "avx512_bf16"];

    private static PhotoZNetwork Network(string arch, InferencePrecision precision)
    {
        var m = PhotoZNetwork.Create(new NetworkConfig { Arch = EnumSpelling<NetworkArch>.Parse(arch, "arch"), Backbone =
            ConvNeXtSpec.Demo.Name, HeadWidth = 32 }, initSeed: 7);
        m.eval();
        if (precision == InferencePrecision.Bf16) InBf16(m);
        return m;
    }

    /// <summary>
    /// <see cref="PhotoZNetwork.UsePrecision"/> without its CPU-flag check (tested on its own below): the tolerances
    /// hold wherever libtorch runs bf16, emulated or not, so these tests run on any CPU.
    /// </summary>
    private static void InBf16(PhotoZNetwork m)
    {
        foreach (var (_, module) in m.named_modules())
            if (module is ConvNeXt backbone) backbone.ComputeIn(ScalarType.BFloat16);
    }

    private (Tensor[] Inputs, Tensor Ebv) RealInputs(FusionKind fusion, int count)
    {
        var layout = InputLayouts.Create(fusion, count);
        var raw = new List<float>();
        var ebv = new List<float>();
        foreach (var shard in toy.Set.Shards)
            for (int slot = 0; slot < shard.Count && ebv.Count < 2 * count; slot++)
            {
                raw.AddRange(shard.Pixels(slot).ToArray());
                ebv.AddRange([shard.Header(slot).EbvCsfd, shard.Header(slot).EbvPlanck]);
            }
        var output = new float[layout.OutputLength];
        Kernels.Input.InputReference.Run(layout, [.. raw], count, Enumerable.Repeat(Kernels.Input.SampleAugment.Identity, count).ToArray(),
            output);
        return (InputLayouts.Tensors(layout, output, count, CPU), tensor(ebv.ToArray(), [count, 2]));
    }

    [Fact]
    public void Names_parse_and_bf16_is_refused_without_the_cpu_instructions()
    {
        Assert.Equal(InferencePrecision.Fp32, InferencePrecisions.Parse("fp32"));
        Assert.Equal(InferencePrecision.Bf16, InferencePrecisions.Parse("BF16"));
        Assert.Contains("--precision must be one of fp32, bf16",
            Assert.Throws<UserInputException>(() => InferencePrecisions.Parse("fp16")).Message);

        var noBf16 = new HashSet<string> { "fpu", "avx2", "avx512f" };
        var e = Assert.Throws<UserInputException>(() => InferencePrecision.Bf16.Check(CPU, noBf16));
        Assert.Contains("avx512_bf16", e.Message);
        Assert.Contains("--precision fp32", e.Message);
        Assert.Throws<UserInputException>(() => InferencePrecision.Bf16.Check(CPU, null)); // flags unknown: refused, not guessed
        InferencePrecision.Bf16.Check(CPU, WithBf16);
        InferencePrecision.Bf16.Check(CPU, new HashSet<string> { "amx_bf16" });
        InferencePrecision.Fp32.Check(CPU, noBf16); // fp32 runs anywhere
        InferencePrecision.Fp32.Check(CPU, null);
    }

    [Fact]
    public void Fp32_leaves_the_network_bit_identical()
    {
        using var plain = Network("early", InferencePrecision.Fp32);
        using var chosen = Network("early", InferencePrecision.Fp32);
        chosen.UsePrecision(InferencePrecision.Fp32, CPU);
        var (inputs, ebv) = RealInputs(FusionKind.Early, 4);
        using var _ = inference_mode();
        Assert.True(plain.call(inputs, ebv).eq(chosen.call(inputs, ebv)).all().item<bool>());
        Assert.All(chosen.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void Bf16_backbone_features_are_within_the_mantissa_bound_and_the_head_is_exactly_float32()
    {
        using var fp32 = Network("late", InferencePrecision.Fp32);
        using var bf16 = Network("late", InferencePrecision.Bf16);
        var (inputs, ebv) = RealInputs(FusionKind.Late, 6);
        var net32 = (IFactorisedFusion)fp32;
        var net16 = (IFactorisedFusion)bf16;
        using var _ = inference_mode();
        var features16 = new Tensor[net16.Encoders.Count];
        for (int e = 0; e < net16.Encoders.Count; e++)
        {
            var x = inputs[net16.Encoders[e].Segment];
            var f32 = net32.Encode(e, x);
            features16[e] = net16.Encode(e, x);
            Assert.Equal(ScalarType.Float32, features16[e].dtype);
            double scale = f32.abs().max().item<float>();
            double delta = (features16[e] - f32).abs().max().item<float>();
            double bound = Roundings(ConvNeXtSpec.Demo) * Unit * scale;
            Assert.True(delta <= bound, $"encoder {e}: max |Δf| {delta} > R·u·max|f| = {bound}");
            Assert.True(delta > 0, $"encoder {e}: bf16 features equal fp32 ones — the backbone did not run in bf16");
        }
        // The fusion head of the bf16 network is the float32 head: its logits are the fp32 network's head on the bf16 features, bit for
        // bit.
        var logits = bf16.call(inputs, ebv);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        Assert.True(logits.eq(net32.Fuse(features16, ebv)).all().item<bool>(), "the bf16 network's head is not the float32 head");
        Assert.Contains(bf16.parameters(), p => p.dtype == ScalarType.BFloat16);
    }

    [Fact]
    public void Bf16_shapley_stem_trick_keeps_efficiency_and_matches_convolving_every_composite()
    {
        using var model = Network("early", InferencePrecision.Bf16);
        var galaxies = new List<ShapleyGalaxy>();
        foreach (var shard in toy.Set.Shards)
            for (int slot = 0; slot < shard.Count && galaxies.Count < 2; slot++)
            {
                var raw = shard.Pixels(slot).ToArray();
                var (_, masked) = MaskedImages.ForSample(raw, 9, shard.Header(slot).CatalogRow);
                galaxies.Add(new ShapleyGalaxy(raw, masked, shard.Header(slot).EbvCsfd, shard.Header(slot).EbvPlanck));
            }
        using var plain = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions { StemTrick = false, BatchSize = 48 });
        using var trick = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions { StemTrick = true, BatchSize = 48 });
        var a = plain.Evaluate(galaxies);
        var b = trick.Evaluate(galaxies);
        var centres = ModelCard.Of(model.Config).ClassValues(model.Config.Classes);
        double zRange = centres.Max() - centres.Min();
        for (int g = 0; g < galaxies.Count; g++)
        {
            Assert.Equal(a[g].ActiveMask, b[g].ActiveMask);
            // V = E[z] is a mean of class centres: both paths round the stem output to bf16 once, the brute force after a
            // bf16 convolution of bf16 inputs (two more roundings), so they differ by at most the features' bound across z's range.
            double bound = Roundings(ConvNeXtSpec.Demo) * Unit * zRange;
            for (int s = 0; s < ShapleyMath.Subsets; s++)
                Assert.True(Math.Abs(a[g].Values[s] - b[g].Values[s]) <= bound,
                    $"galaxy {g} subset {s}: {a[g].Values[s]} vs {b[g].Values[s]}");
            // Efficiency is exact arithmetic on the value table (float64), bf16 or not.
            Assert.Equal(b[g].Values[ShapleyMath.AllBands] - b[g].Values[0], ShapleyMath.Exact(b[g].Values).Sum(), 9);
        }
    }

    [Fact]
    public void Bf16_scores_are_normalised_pdfs_in_float32()
    {
        using var tmp = new TempDir();
        string ckpt = TestModels.SaveUntrained(tmp.File("m.ckpt"), 3);
        var records = SequentialSampler.Records(toy.Set, Splits.Test);
        var (_, model) = Models.Checkpoint.Load(ckpt);
        using (model)
        {
            InBf16(model);
            var predictions = Predictor.Predict(model, toy.Set, records, CPU).ToList();
            Assert.Equal(records.Length, predictions.Count);
            foreach (var p in predictions) Assert.Equal(1.0, p.Probabilities.Sum(v => (double)v), 5);
        }
    }
}
