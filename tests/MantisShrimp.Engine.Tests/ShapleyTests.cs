using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Inference;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Shapley;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Tests;

[Collection("Allocation")] // runs networks with all cores
public class ShapleyTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private static PhotoZNetwork Model(string arch, string bands = "all")
    {
        random.manual_seed(11);
        var m = PhotoZNetwork.Create(new NetworkConfig
        {
            Arch = EnumSpelling<NetworkArch>.Parse(arch, "arch"), Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 32,
            Bands = EnumSpelling<BandSet>.Parse(bands, "bands"),
        });
        m.eval();
        return m;
    }

    private ShapleyGalaxy[] Galaxies(int count, bool blankGalex = false)
    {
        var result = new List<ShapleyGalaxy>();
        foreach (var shard in toy.Set.Shards)
            for (int slot = 0; slot < shard.Count && result.Count < count; slot++)
            {
                var raw = shard.Pixels(slot).ToArray();
                if (blankGalex) Array.Clear(raw, 0, 2 * 32 * 32);
                var (_, masked) = MaskedImages.ForSample(raw, 9, shard.Header(slot).CatalogRow);
                result.Add(new ShapleyGalaxy(raw, masked, shard.Header(slot).EbvCsfd, shard.Header(slot).EbvPlanck));
            }
        return result.ToArray();
    }

    [Fact]
    public void Stem_trick_equals_convolving_every_composite_and_values_are_efficient()
    {
        using var model = Model("early");
        var galaxies = Galaxies(2);
        using var plain = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions { StemTrick = false, BatchSize = 48 });
        using var trick = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions { StemTrick = true, BatchSize = 48 });
        var a = plain.Evaluate(galaxies);
        var b = trick.Evaluate(galaxies);
        for (int g = 0; g < galaxies.Length; g++)
        {
            Assert.Equal(a[g].ActiveMask, b[g].ActiveMask);
            for (int s = 0; s < ShapleyMath.Subsets; s++) Assert.True(Math.Abs(a[g].Values[s] - b[g].Values[s]) < 2e-5,
                $"galaxy {g} subset {s}: {a[g].Values[s]} vs {b[g].Values[s]}");
            var phi = ShapleyMath.Exact(b[g].Values);
            Assert.Equal(b[g].Values[ShapleyMath.AllBands] - b[g].Values[0], phi.Sum(), 9);
        }
    }

    [Theory]
    [InlineData("all", false)]
    [InlineData("all", true)]
    [InlineData("optical+ir", false)]
    public void Late_fusion_factorised_equals_brute_force_and_runs_each_encoder_on_its_own_subsets(string bands, bool blankGalex)
    {
        using var model = Model("late", bands);
        var net = Assert.IsAssignableFrom<IFactorisedFusion>(model);
        var galaxies = Galaxies(2, blankGalex);
        using var brute = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions { Factorise = false, BatchSize = 40 });
        using var factorised = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions { BatchSize = 24, HeadBatchSize = 100 });
        var a = brute.Evaluate(galaxies);
        var b = factorised.Evaluate(galaxies);
        long expectedPasses = 0;
        for (int g = 0; g < galaxies.Length; g++)
        {
            Assert.Equal(a[g].ActiveMask, b[g].ActiveMask);
            Assert.Equal(a[g].Evaluations, b[g].Evaluations);
            for (int s = 0; s < ShapleyMath.Subsets; s++)
                Assert.True(Math.Abs(a[g].Values[s] - b[g].Values[s]) < 1e-5,
                    $"galaxy {g} subset {s}: {a[g].Values[s]} vs {b[g].Values[s]}");
            var phi = ShapleyMath.Exact(b[g].Values);
            var bruteSum = ShapleyMath.Exact(a[g].Values);
            for (int j = 0; j < ShapleyMath.Players; j++) Assert.True(Math.Abs(phi[j] - bruteSum[j]) < 1e-5, $"galaxy {g} band {j}");
            Assert.Equal(b[g].Values[ShapleyMath.AllBands] - b[g].Values[0], phi.Sum(), 9);
            // Each encoder met only the subsets of its own active bands: 2^|active ∩ bands(e)| inputs.
            expectedPasses += net.Encoders.Sum(e => 1L << int.PopCount(e.BandMask & b[g].ActiveMask));
        }
        Assert.Equal(expectedPasses, factorised.NetworkPasses);
        Assert.Equal(a.Sum(t => (long)t.Evaluations), factorised.HeadPasses);
        Assert.Equal(a.Sum(t => (long)t.Evaluations), brute.NetworkPasses);
        if (blankGalex)
        {
            Assert.Equal(0, b[0].ActiveMask & 0b11);
            Assert.Equal(0, ShapleyMath.Exact(b[0].Values)[0]);
        }
        if (bands == "all" && !blankGalex) Assert.Equal(galaxies.Length * (4 + 32 + 4), factorised.NetworkPasses);
    }

    [Fact]
    public void Late_fusion_encoders_come_from_the_band_table()
    {
        using var model = Model("late");
        var encoders = ((IFactorisedFusion)model).Encoders;
        var surveys = BandTable.All.GroupBy(b => b.Survey).ToArray();
        Assert.Equal(surveys.Length, encoders.Count);
        for (int e = 0; e < encoders.Count; e++)
        {
            Assert.Equal((int)surveys[e].Key, encoders[e].Segment);
            Assert.Equal(surveys[e].Select(b => b.Channel).ToArray(), encoders[e].Bands);
        }
        // Encode + Fuse is the network: the same logits as forward on real inputs.
        var galaxies = Galaxies(2);
        var layout = Data.Pipeline.InputLayouts.Create(model.Config.Fusion, 2);
        var output = new float[layout.OutputLength];
        Kernels.Input.InputReference.Run(layout, [.. galaxies[0].Raw, .. galaxies[1].Raw], 2,
            [Kernels.Input.SampleAugment.Identity, Kernels.Input.SampleAugment.Identity], output);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var inputs = Data.Pipeline.InputLayouts.Tensors(layout, output, 2, CPU);
        var ebv = tensor(galaxies.SelectMany(g => new[] { g.EbvCsfd, g.EbvPlanck }).ToArray(), [2, 2]);
        var net = (IFactorisedFusion)model;
        var fused = net.Fuse(net.Encoders.Select((e, i) => net.Encode(i, inputs[e.Segment])).ToArray(), ebv);
        Assert.True((fused - model.call(inputs, ebv)).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void Sampled_subsets_through_the_factorised_path_equal_brute_force()
    {
        using var model = Model("late");
        var galaxies = Galaxies(2);
        var orderings = new int[galaxies.Length][][];
        IEnumerable<int> Needed(int g, int active) =>
            ShapleyMath.NeededSubsets(orderings[g] = ShapleyMath.Permutations(active, 6, 17UL + (ulong)g));
        using var brute = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions { Factorise = false });
        using var factorised = new ShapleyEvaluator(model, CPU);
        var a = brute.Evaluate(galaxies, Needed);
        var b = factorised.Evaluate(galaxies, Needed);
        for (int g = 0; g < galaxies.Length; g++)
        {
            Assert.True(b[g].Evaluations < ShapleyMath.Subsets);
            for (int s = 0; s < ShapleyMath.Subsets; s++)
            {
                Assert.Equal(double.IsNaN(a[g].Values[s]), double.IsNaN(b[g].Values[s]));
                if (!double.IsNaN(a[g].Values[s])) Assert.True(Math.Abs(a[g].Values[s] - b[g].Values[s]) < 1e-5, $"galaxy {g} subset {s}");
            }
        }
        Assert.True(factorised.NetworkPasses < brute.NetworkPasses);
    }

    [Fact]
    public void Ilgpu_kernels_give_the_same_masked_images_and_values_as_the_cpu_path()
    {
        var records = toy.Set.Shards[0];
        var refs = Enumerable.Range(0, 2).Select(i => (records, i)).ToArray();
        using var kernels = new Kernels.Shapley.ShapleyKernelHost(Kernels.AcceleratorChoice.Cpu);
        var onCpu = ShapleyGalaxy.FromRecords(refs, 9);
        var onKernels = ShapleyGalaxy.FromRecords(refs, 9, kernels);
        for (int g = 0; g < refs.Length; g++)
        {
            Assert.Equal(onCpu[g].Raw, onKernels[g].Raw);
            Assert.False(onCpu[g].Raw.AsSpan().SequenceEqual(onCpu[g].Masked)); // the targets were masked
            for (int p = 0; p < onCpu[g].Masked.Length; p++)
                Assert.True(Math.Abs(onCpu[g].Masked[p] - onKernels[g].Masked[p]) <= 1e-5f * (1 + Math.Abs(onCpu[g].Masked[p])),
                    $"galaxy {g} pixel {p}");
        }
        foreach (var arch in new[] { "early", "late" })
        {
            using var model = Model(arch);
            using var simd = new ShapleyEvaluator(model, CPU);
            using var ilgpu = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions
            {
                Backend = Data.Pipeline.TransformBackend.Ilgpu, Accelerator = Kernels.AcceleratorChoice.Cpu, StemTrick = false, Factorise =
                    false,
            });
            Assert.NotNull(ilgpu.Kernels);
            var a = simd.Evaluate(onCpu);
            var b = ilgpu.Evaluate(onCpu);
            for (int g = 0; g < onCpu.Length; g++)
            {
                Assert.Equal(a[g].ActiveMask, b[g].ActiveMask);
                for (int s = 0; s < ShapleyMath.Subsets; s++)
                    Assert.True(Math.Abs(a[g].Values[s] - b[g].Values[s]) < 1e-5,
                        $"{arch} galaxy {g} subset {s}: {a[g].Values[s]} vs {b[g].Values[s]}");
            }
        }
    }

    [Fact]
    public void Full_and_empty_subsets_are_the_plain_predictions_of_galaxy_and_masked_image()
    {
        foreach (var arch in new[] { "early", "late" })
        {
            using var model = Model(arch);
            var galaxies = Galaxies(3);
            using var evaluator = new ShapleyEvaluator(model, CPU, new ShapleyEvaluatorOptions { BatchSize = 100 });
            var tables = evaluator.Evaluate(galaxies, (_, active) => [0, active]);
            for (int g = 0; g < galaxies.Length; g++)
            {
                Assert.Equal(2, tables[g].Evaluations);
                Assert.Equal(Plain(model, galaxies[g].Raw, galaxies[g]), tables[g].Values[ShapleyMath.AllBands], 4);
                Assert.Equal(Plain(model, galaxies[g].Masked, galaxies[g]), tables[g].Values[0], 4);
            }
        }
    }

    /// <summary>E[z] of one raw sample through the ordinary input path and network call.</summary>
    private static double Plain(PhotoZNetwork model, float[] raw, ShapleyGalaxy g)
    {
        var layout = Data.Pipeline.InputLayouts.Create(model.Config.Fusion, 1);
        var output = new float[layout.OutputLength];
        Kernels.Input.InputReference.Run(layout, raw, 1, [Kernels.Input.SampleAugment.Identity], output);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var inputs = Data.Pipeline.InputLayouts.Tensors(layout, output, 1, CPU);
        var p = nn.functional.softmax(model.call(inputs, tensor(new[] { g.EbvCsfd, g.EbvPlanck }, [1, 2])), 1);
        var z = tensor(RedshiftGrid.Centres().Select(v => (float)v).ToArray());
        return p.matmul(z).item<float>();
    }

    [Fact]
    public void A_band_equal_to_its_masked_image_is_a_null_player_and_saves_evaluations()
    {
        using var model = Model("early");
        var galaxies = Galaxies(1, blankGalex: true);
        using var evaluator = new ShapleyEvaluator(model, CPU);
        var t = evaluator.Evaluate(galaxies)[0];
        Assert.Equal(0, t.ActiveMask & 0b11); // FUV, NUV blank: identical to their masked images
        Assert.Equal(1 << int.PopCount(t.ActiveMask), t.Evaluations);
        Assert.True(t.Evaluations <= 128);
        var phi = ShapleyMath.Exact(t.Values);
        Assert.Equal(0, phi[0]);
        Assert.Equal(0, phi[1]);
        // An optical-only network: the other 4 bands are not players at all.
        using var optical = Model("early", "optical");
        using var e2 = new ShapleyEvaluator(optical, CPU);
        var t2 = e2.Evaluate(Galaxies(1))[0];
        Assert.Equal(0, t2.ActiveMask & ~0b001111100);
    }

    [Fact]
    public void Shapley_job_resumes_without_recomputing_or_duplicating()
    {
        using var tmp = new TempDir();
        using var model = Model("early");
        string ckpt = tmp.File("model.ckpt");
        TestModels.Save(ckpt, model);
        var o = new ShapleyOptions(ckpt, toy.Set.Directory, tmp.File("shap.csv")) { Split = Splits.Train, Count = 5, GalaxiesPerGroup = 2,
            Seed = 3, Device = "cpu" };
        // Interrupted after the first group.
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => ShapleyRunner.Run(o, new CancelAfter(1, cts), cts.Token));
        Assert.False(File.Exists(o.Out));
        var journal = File.ReadAllLines(o.Out + ".journal");
        Assert.Equal(3, journal.Length); // settings + 2 galaxies
        Assert.Equal(5, ShapleyRunner.Run(o));
        var resumed = File.ReadAllLines(o.Out);
        Assert.False(File.Exists(o.Out + ".journal"));
        Assert.Equal(string.Join(",", ShapleyRunner.Columns(false)), resumed[0]);
        Assert.Equal(6, resumed.Length);
        // Same values as an uninterrupted run.
        var straight = o with { Out = tmp.File("straight.csv") };
        ShapleyRunner.Run(straight);
        Assert.Equal(File.ReadAllLines(straight.Out), resumed);
        foreach (var line in resumed.Skip(1))
        {
            var f = line.Split(',');
            double vAll = double.Parse(f[2]), vEmpty = double.Parse(f[3]);
            double sum = f.Skip(4).Take(9).Sum(double.Parse);
            Assert.Equal(vAll - vEmpty, sum, 9);
        }
        // Sampled mode writes standard errors; Parquet output works.
        var sampled = o with { Out = tmp.File("sampled.parquet"), Mode = ShapleyMode.Sampled, Permutations = 6, Count = 2 };
        Assert.Equal(2, ShapleyRunner.Run(sampled));
        Assert.True(new FileInfo(sampled.Out).Length > 0);
    }

    /// <summary>Cancels the job once it has reported <paramref name="advances"/> progress steps.</summary>
    private sealed class CancelAfter(int advances, CancellationTokenSource cts) : Common.IProgressReporter, Common.IProgressTask
    {
        private int _count;
        public Common.IProgressTask Start(string label, long total) => this;
        public void Message(string text) { }
        public void Advance(long units = 1) { if (++_count >= advances) cts.Cancel(); }
        public void Dispose() { }
    }
}
