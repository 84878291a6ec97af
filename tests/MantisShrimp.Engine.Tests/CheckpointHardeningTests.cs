using System.IO.Compression;
using System.Text.Json.Nodes;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;

namespace MantisShrimp.Engine.Tests;

/// <summary>Damaged and hostile checkpoints: refused with a reason naming the file, in bounded memory.</summary>
[Collection("Allocation")] // measures this thread's allocations and trains
public class CheckpointHardeningTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    private TrainOptions Options(string dir, int epochs) => new()
    {
        Data = toy.Set.Directory, Out = dir, Epochs = epochs, BatchesPerEpoch = 1, BatchSize = 4, LearningRate = 1e-3, Seed = 5,
        Device = "cpu", Threads = 1, Network = new NetworkConfig { Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 16, DropPath = 0 },
    };

    private static void Truncate(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
        fs.SetLength(fs.Length / 2);
    }

    [Fact]
    public void A_resume_rewrites_a_truncated_best_checkpoint_from_the_best_epoch()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run"), best = Path.Combine(run, Trainer.BestCheckpoint);
        Trainer.Run(Options(run, 1));
        Truncate(best); // a kill or a full disk during the copy
        Trainer.Run(Options(run, 1)); // nothing left to train: the resume alone must notice
        Assert.Equal(1, Checkpoint.Validate(best).Epoch);
        Checkpoint.Load(best).Model.Dispose();
        Assert.Empty(Directory.GetFiles(run, "*.tmp"));
    }

    [Fact]
    public void A_resume_refuses_a_damaged_best_checkpoint_it_cannot_rebuild()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run"), best = Path.Combine(run, Trainer.BestCheckpoint), last = Path.Combine(run, Trainer.LastCheckpoint);
        Trainer.Run(Options(run, 1));
        // last.ckpt now says epoch 2 while the best was epoch 1: best.ckpt's weights exist nowhere else.
        var (state, model) = Checkpoint.Load(last);
        Checkpoint.Save(last, state with { Epoch = 2, BestEpoch = 1 }, model, null);
        model.Dispose();
        Truncate(best);
        var e = Assert.Throws<UserInputException>(() => Trainer.Run(Options(run, 2)));
        Assert.Contains("best.ckpt is damaged", e.Message);
    }

    /// <summary>A copy of a real checkpoint with its entries changed.</summary>
    private static string Rewrite(string from, string to, Action<ZipArchive> change)
    {
        File.Copy(from, to);
        using (var zip = ZipFile.Open(to, ZipArchiveMode.Update)) change(zip);
        return to;
    }

    [Fact]
    public void A_checkpoint_without_model_bin_is_a_user_error()
    {
        using var tmp = new TempDir();
        string good = TestModels.SaveUntrained(tmp.File("good.ckpt"), 1);
        string bad = Rewrite(good, tmp.File("bad.ckpt"), zip => zip.GetEntry("model.bin")!.Delete());
        var e = Assert.Throws<UserInputException>(() => Checkpoint.Load(bad));
        Assert.Contains("no model.bin", e.Message);
        Assert.Contains("bad.ckpt", e.Message);
    }

    [Fact]
    public void A_zip_bomb_model_bin_is_refused_before_it_is_inflated()
    {
        using var tmp = new TempDir();
        string good = TestModels.SaveUntrained(tmp.File("good.ckpt"), 1);
        string bad = Rewrite(good, tmp.File("bomb.ckpt"), zip =>
        {
            zip.GetEntry("model.bin")!.Delete();
            using var s = zip.CreateEntry("model.bin", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) s.Write(zeros); // 256 MB of zeros, a few hundred KB on disk
        });
        Assert.True(new FileInfo(bad).Length < 4 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<UserInputException>(() => Checkpoint.Load(bad));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("model.bin declares 268435456 bytes", e.Message);
        Assert.True(allocated < 32 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_head_width_from_state_json_is_bounded()
    {
        using var tmp = new TempDir();
        string good = TestModels.SaveUntrained(tmp.File("good.ckpt"), 1);
        string bad = Rewrite(good, tmp.File("wide.ckpt"), zip =>
        {
            var entry = zip.GetEntry("state.json")!;
            JsonNode json;
            using (var s = entry.Open()) json = JsonNode.Parse(s)!;
            json["Network"]!["HeadWidth"] = 200_000;
            entry.Delete();
            using var w = zip.CreateEntry("state.json").Open();
            w.Write(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        });
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<UserInputException>(() => Checkpoint.Load(bad));
        Assert.Contains("head width 200000", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 32 << 20);
    }

    [Fact]
    public void Garbage_in_model_bin_is_a_user_error_naming_the_entry()
    {
        using var tmp = new TempDir();
        string good = TestModels.SaveUntrained(tmp.File("good.ckpt"), 1);
        string bad = Rewrite(good, tmp.File("junk.ckpt"), zip =>
        {
            zip.GetEntry("model.bin")!.Delete();
            using var s = zip.CreateEntry("model.bin").Open();
            s.Write(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3 });
        });
        var e = Assert.Throws<UserInputException>(() => Checkpoint.Load(bad));
        Assert.Contains("model.bin", e.Message);
    }

    [Fact]
    public void A_model_entry_inflating_past_its_declared_size_is_refused_by_validate_and_load()
    {
        using var tmp = new TempDir();
        string good = TestModels.SaveUntrained(tmp.File("good.ckpt"), 3), path = tmp.File("lying.ckpt");
        LyingZip.Write(good, path, "model.bin", extra: 64 << 20); // declares model.bin's real size, inflates 64 MB further
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var read in new Action[] { () => Checkpoint.Validate(path), () => Checkpoint.Load(path).Model.Dispose() })
            Assert.Contains("lying.ckpt: model.bin fails its CRC-32 check", Assert.Throws<UserInputException>(read).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20); // the network itself is allocated by Load
        Checkpoint.Load(good).Model.Dispose();
    }
}
