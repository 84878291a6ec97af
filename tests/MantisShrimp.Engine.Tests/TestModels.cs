using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;

namespace MantisShrimp.Engine.Tests;

/// <summary>Small untrained networks saved as checkpoints, for tests where the weights do not matter.</summary>
public static class TestModels
{
    /// <summary>A seeded convnext-demo early-fusion network (head width 32) written to <paramref name="path"/>.</summary>
    public static string SaveUntrained(string path, long seed)
    {
        TorchSharp.torch.random.manual_seed(seed);
        using var model = PhotoZNetwork.Create(new NetworkConfig { Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 32 });
        Save(path, model);
        return path;
    }

    /// <summary>A checkpoint of <paramref name="model"/> with no training history.</summary>
    public static void Save(string path, PhotoZNetwork model) =>
        Checkpoint.Save(path, new TrainingState { Network = model.Config, Options = new TrainOptionsRecord("", 1, 1, 1e-3, 0, 0, 0) },
            model, null);
}
