using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Tests;

[Collection("Allocation")] // seeds libtorch's global generator to build networks: alone
public class PyTorchWeightsTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private static NetworkConfig Demo(string arch = "early", string bands = "all") =>
        new() { Arch = EnumSpelling<NetworkArch>.Parse(arch, "arch"), Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 16, Bands =
            EnumSpelling<BandSet>.Parse(bands, "bands") };

    private static PhotoZNetwork Seeded(NetworkConfig c, long seed)
    {
        random.manual_seed(seed);
        return PhotoZNetwork.Create(c);
    }

    private static Dictionary<string, float[]> Values(nn.Module m) =>
        m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray());

    [Theory]
    [InlineData("w.pth")]
    [InlineData("w.safetensors")]
    public void A_network_round_trips_through_a_pytorch_state_dict(string file)
    {
        using var tmp = new TempDir();
        using var a = Seeded(Demo(), 1);
        using var b = Seeded(Demo(), 2);
        Assert.NotEqual(Values(a)["head.0.weight"], Values(b)["head.0.weight"]);
        PyTorchWeights.Write(a, tmp.File(file));
        var sd = PyTorchWeights.Read(tmp.File(file));
        var import = PyTorchWeights.Import(b, sd, file);
        Assert.Equal("network", import.Layout);
        Assert.Equal(a.named_parameters().Count(), import.Copied); // the learned parameters: the band-index buffer is not exported
        Assert.Empty(import.KeptInitial);
        var va = Values(a);
        foreach (var (key, vb) in Values(b)) Assert.Equal(va[key], vb);
        a.eval();
        b.eval();
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        Tensor[] x = [randn([2, 9, 120, 120], generator: g)];
        var ebv = full(2, 2, 0.03f);
        Assert.True(a.call(x, ebv).eq(b.call(x, ebv)).all().item<bool>());
    }

    [Fact]
    public void The_pre_zip_pickle_format_is_refused_saying_so()
    {
        // torch.save(..., _use_new_zipfile_serialization=False) and PyTorch < 1.6 write a bare pickle (protocol 2: 0x80 0x02);
        // the conformance suite checks a file real PyTorch wrote.
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("old.pth"), [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]);
        var e = Assert.Throws<UserInputException>(() => PyTorchWeights.Read(tmp.File("old.pth")));
        Assert.Contains("legacy (pre-1.6, non-zip)", e.Message);
        File.WriteAllText(tmp.File("text.pth"), "not weights");
        var other = Assert.Throws<UserInputException>(() => PyTorchWeights.Read(tmp.File("text.pth")));
        Assert.Contains("not a PyTorch state dict", other.Message);
    }

    [Fact]
    public void A_timm_convnext_goes_into_the_backbone_with_its_stem_adapted_to_the_bands()
    {
        using var tmp = new TempDir();
        random.manual_seed(3);
        using var timm = new ConvNeXt(ConvNeXtSpec.Demo, 3, classes: 10); // timm's names: stem.0, stages.N…, head.norm, head.fc
        timm.save_py(tmp.File("timm.pth"));
        var sd = PyTorchWeights.Read(tmp.File("timm.pth"));
        var rgb = timm.state_dict()["stem.0.weight"];
        foreach (var (bands, channels) in new[] { ("all", 9), ("optical", 5) })
        {
            using var net = Seeded(Demo(bands: bands), 4);
            var headBefore = Values(net)["head.0.weight"];
            var import = PyTorchWeights.Import(net, sd, "timm.pth");
            Assert.Equal("timm ConvNeXt → backbone", import.Layout);
            Assert.Equal(["head.fc.bias", "head.fc.weight"], import.Ignored.Order());
            Assert.Single(import.Adapted);
            Assert.All(import.KeptInitial, k =>
                Assert.True(k.StartsWith("head.", StringComparison.Ordinal) || k == "_channels",
                k)); // the fusion head keeps its initialisation
            var after = Values(net);
            Assert.Equal(headBefore, after["head.0.weight"]);
            var timmValues = Values(timm);
            foreach (var (key, value) in timmValues.Where(kv => !kv.Key.StartsWith("head.fc", StringComparison.Ordinal)
                && kv.Key != "stem.0.weight"))
                Assert.Equal(value, after["backbone." + key]);
            // timm's adapt_input_conv: the RGB kernels repeated over the channels, scaled by 3 / channels.
            var stem = net.state_dict()["backbone.stem.0.weight"];
            Assert.Equal(channels, stem.shape[1]);
            for (int c = 0; c < channels; c++)
                Assert.True(stem.select(1, c).allclose(rgb.select(1, c % 3) * (3.0 / channels), 1e-6, 1e-7), $"{bands}: channel {c}");
        }

        // Late fusion: the PS1 encoder by default; the 1×1-stem GALEX encoder cannot take a 4×4 stem.
        using var late = Seeded(Demo("late"), 6);
        Assert.Equal("timm ConvNeXt → ps1", PyTorchWeights.Import(late, sd, "timm.pth").Layout);
        var e = Assert.Throws<UserInputException>(() => PyTorchWeights.Import(late, sd, "timm.pth", "galex"));
        Assert.Contains("stem.0.weight", e.Message);
        Assert.Throws<UserInputException>(() => PyTorchWeights.Import(late, sd, "timm.pth", "nowhere"));
    }

    /// <summary>data/make_timm_fixture.py's value(t, i): element i of the file's t-th tensor.</summary>
    private static float FixtureValue(int t, int i) => (float)((((t * 131L + i * 7L) % 1000) - 500) / 1024.0 / 64.0);

    [Fact]
    public void A_state_dict_written_by_python_in_torch_saves_format_imports()
    {
        // Written by Python's pickle in torch.save's zip format (no PyTorch involved; data/make_timm_fixture.py), with
        // timm's ConvNeXt names and an OrderedDict carrying _metadata as Module.state_dict() returns it.
        string file = Path.Combine(AppContext.BaseDirectory, "data", "timm_convnext_demo.pth");
        var sd = PyTorchWeights.Read(file);
        Assert.Equal(65, sd.Count);
        Assert.Equal(new long[] { 16, 3, 4, 4 }, sd["stem.0.weight"].shape);
        Assert.Equal(new long[] { 10, 128 }, sd["head.fc.weight"].shape);
        // t, the script's tensor index, is the key's position in timm's (= PyTorch's state_dict) order, which ours follows.
        using var reference = new ConvNeXt(ConvNeXtSpec.Demo, 3, classes: 10);
        var keys = reference.state_dict().Keys.ToList();
        Assert.Equal(keys.Order(), sd.Keys.Order());
        using var net = Seeded(Demo(), 2);
        var import = PyTorchWeights.Import(net, sd, file);
        Assert.Equal("timm ConvNeXt → backbone", import.Layout);
        Assert.Equal(63, import.Copied);
        var after = Values(net);
        int t = keys.IndexOf("stages.2.blocks.1.mlp.fc1.weight");
        var fc1 = after["backbone.stages.2.blocks.1.mlp.fc1.weight"];
        Assert.Equal(256 * 64, fc1.Length);
        for (int i = 0; i < fc1.Length; i += 97) Assert.Equal(FixtureValue(t, i), fc1[i]);
        // Stem: 3 → 9 channels, channel c from RGB kernel c mod 3, scaled by 3/9 (element [o, c, y, x]).
        int s = keys.IndexOf("stem.0.weight");
        var stem = after["backbone.stem.0.weight"];
        for (int o = 0; o < 16; o++)
            for (int c = 0; c < 9; c++)
                for (int k = 0; k < 16; k++)
                    Assert.Equal(FixtureValue(s, (o * 3 + c % 3) * 16 + k) / 3.0, stem[(o * 9 + c) * 16 + k], 6);
    }

    [Fact]
    public void Other_layouts_and_sizes_are_refused_naming_the_key()
    {
        using var tmp = new TempDir();
        using var small = Seeded(Demo(), 1);
        PyTorchWeights.Write(small, tmp.File("demo.pth"));
        var sd = PyTorchWeights.Read(tmp.File("demo.pth"));
        using var other = Seeded(Demo() with { HeadWidth = 32 }, 1);
        var e = Assert.Throws<UserInputException>(() => PyTorchWeights.Import(other, sd, "demo.pth"));
        Assert.Contains("head.", e.Message);
        var partial = sd.Where(kv => !kv.Key.StartsWith("head.", StringComparison.Ordinal)).ToDictionary();
        Assert.Contains("lacks", Assert.Throws<UserInputException>(() => PyTorchWeights.Import(small, partial, "partial.pth")).Message);
        var unrelated = new Dictionary<string, Tensor> { ["encoder.layer.0.weight"] = zeros(3) };
        Assert.Contains("neither", Assert.Throws<UserInputException>(() => PyTorchWeights.Import(small, unrelated, "x.pth")).Message);
        File.WriteAllText(tmp.File("junk.pth"), "not a pickle");
        Assert.Contains("junk.pth", Assert.Throws<UserInputException>(() => PyTorchWeights.Read(tmp.File("junk.pth"))).Message);
    }

    [Fact]
    public void Training_can_start_from_a_state_dict()
    {
        using var tmp = new TempDir();
        using var source = Seeded(Demo(), 9);
        PyTorchWeights.Write(source, tmp.File("start.pth"));
        // Learning rate 0: the run's weights stay those it started from.
        Trainer.Run(new TrainOptions
        {
            Data = toy.Set.Directory, Out = tmp.File("run"), Epochs = 1, BatchesPerEpoch = 1, BatchSize = 2, LearningRate = 0, WeightDecay =
                0, Seed = 1,
            Device = "cpu", Threads = 1, Network = Demo(), InitWeights = tmp.File("start.pth"),
        });
        var (state, trained) = Checkpoint.Load(Path.Combine(tmp.File("run"), Trainer.LastCheckpoint));
        using (trained)
        {
            var expected = Values(source);
            foreach (var (key, value) in Values(trained)) Assert.Equal(expected[key], value);
        }
        Assert.EndsWith("start.pth", state.Options.InitWeights);
        // A resume may leave the option out; another file is refused.
        var resume = new TrainOptions
        {
            Data = toy.Set.Directory, Out = tmp.File("run"), Epochs = 2, BatchesPerEpoch = 1, BatchSize = 2, LearningRate = 0, WeightDecay =
                0, Seed = 1,
            Device = "cpu", Threads = 1, Network = Demo(),
        };
        Assert.Equal(2, Trainer.Run(resume).Epoch);
        Assert.Throws<UserInputException>(() => Trainer.Run(resume with { Epochs = 3, InitWeights = tmp.File("other.pth") }));
    }
}
