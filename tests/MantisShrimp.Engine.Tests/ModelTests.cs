using MantisShrimp.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MantisShrimp.Engine.Tests;

public class ModelTests
{
    private static long Count(nn.Module m) => m.parameters().Sum(p => p.numel());

    [Fact]
    public void Convnext_large_parameter_count_matches_timm()
    {
        // timm's convnext_large (3-channel stem, 1000-class head): 197,767,336 parameters.
        using var model = new ConvNeXt(ConvNeXtSpec.Large, 3, classes: 1000);
        long count = Count(model);
        Assert.True(Math.Abs(count - 197_767_336) / 197_767_336.0 < 0.005, $"{count:N0} parameters");
    }

    [Fact]
    public void Parameter_names_follow_timm()
    {
        using var model = new ConvNeXt(ConvNeXtSpec.Tiny, 9, classes: 10);
        var names = model.state_dict().Keys.ToHashSet();
        foreach (var key in new[]
        {
            "stem.0.weight", "stem.0.bias", "stem.1.weight", "stem.1.bias",
            "stages.0.blocks.0.conv_dw.weight", "stages.0.blocks.0.norm.weight", "stages.0.blocks.0.mlp.fc1.weight",
            "stages.0.blocks.0.mlp.fc2.bias", "stages.0.blocks.0.gamma", "stages.1.downsample.0.weight", "stages.1.downsample.1.weight",
            "stages.3.blocks.2.gamma", "head.norm.weight", "head.fc.weight",
        })
            Assert.Contains(key, names);
        Assert.DoesNotContain(names, n => n.StartsWith("stages.0.downsample"));
        Assert.Equal(new long[] { 96, 9, 4, 4 }, model.state_dict()["stem.0.weight"].shape);
        using var atto = new ConvNeXt(ConvNeXtSpec.Atto, 3);
        Assert.Equal(new long[] { 160, 40, 1, 1 }, atto.state_dict()["stages.0.blocks.0.mlp.fc1.weight"].shape); // conv_mlp as timm's atto
    }

    [Fact]
    public void State_dict_round_trip_through_a_file()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var a = new ConvNeXt(ConvNeXtSpec.Demo, 9, classes: 5);
        var b = new ConvNeXt(ConvNeXtSpec.Demo, 9, classes: 5);
        a.eval();
        b.eval();
        var x = randn(2, 9, 64, 64);
        Assert.False(a.forward(x).allclose(b.forward(x)));
        using var tmp = new TempDir();
        a.save(tmp.File("m.dat"));
        b.load(tmp.File("m.dat"));
        Assert.True(a.forward(x).allclose(b.forward(x)));
    }

    [Fact]
    public void Stochastic_depth_draws_from_the_networks_own_generator()
    {
        using var scope = NewDisposeScope();
        using var net = PhotoZNetwork.Create(new NetworkConfig { Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 16, DropPath = 0.5 });
        net.train();
        using var data = new Generator(3);
        Tensor[] x = [randn([4, 9, 120, 120], generator: data)];
        var ebv = zeros(4, 2);
        Tensor WithOwn(long globalSeed)
        {
            random.manual_seed(globalSeed);
            using var own = new Generator(42);
            net.DropPathRandom.Generator = own;
            try { return net.call(x, ebv); }
            finally { net.DropPathRandom.Generator = null; }
        }
        Assert.True(WithOwn(1).eq(WithOwn(2)).all().item<bool>()); // the same masks whatever the global generator holds
        random.manual_seed(1);
        var c = net.call(x, ebv);
        random.manual_seed(2);
        Assert.False(c.allclose(net.call(x, ebv))); // without one, the masks follow the global generator
    }

    [Fact]
    public void Forward_shapes()
    {
        using var scope = NewDisposeScope();
        using var m = new ConvNeXt(ConvNeXtSpec.Atto, 9);
        Assert.Equal(new long[] { 2, 320 }, m.forward(randn(2, 9, 120, 120)).shape);
        using var small = new ConvNeXt(ConvNeXtSpec.Demo, 2, stemPatch: 1);
        Assert.Equal(new long[] { 2, 128 }, small.forward(randn(2, 2, 22, 22)).shape);
    }
}
