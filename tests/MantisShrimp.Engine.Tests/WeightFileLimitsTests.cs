using System.IO.Compression;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Models;

namespace MantisShrimp.Engine.Tests;

[Collection("Allocation")] // measures this thread's allocations
public class WeightFileLimitsTests
{
    [Fact]
    public void A_safetensors_header_length_past_the_file_is_refused_without_allocating_it()
    {
        using var tmp = new TempDir();
        string path = tmp.File("tiny.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(1_000_000_000UL), (byte)'{', (byte)'}']); // 10 bytes claiming a 1 GB header
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<UserInputException>(() => PyTorchWeights.Read(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("tiny.safetensors: safetensors header length 1000000000 exceeds the file", e.Message);
    }

    [Fact]
    public void A_safetensors_tensor_past_the_data_is_refused()
    {
        using var tmp = new TempDir();
        string path = tmp.File("w.safetensors");
        var header = """{"a":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}"""u8.ToArray();
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header, 0, 0, 0, 0]);
        Assert.Contains("data_offsets outside", Assert.Throws<UserInputException>(() => PyTorchWeights.Read(path)).Message);
    }

    [Fact]
    public void A_zip_bomb_state_dict_is_refused_before_it_is_inflated()
    {
        using var tmp = new TempDir();
        string path = tmp.File("bomb.pth");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            zip.CreateEntry("archive/data.pkl").Open().Dispose();
            using var s = zip.CreateEntry("archive/data/0", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) s.Write(zeros);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<UserInputException>(() => PyTorchWeights.Read(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("zip bomb", e.Message);
    }

    [Fact]
    public void A_zip_entry_inflating_past_its_declared_size_is_refused_naming_the_file_and_entry()
    {
        using var tmp = new TempDir();
        string good = tmp.File("good.pth"), path = tmp.File("lying.pth");
        TorchSharp.torch.random.manual_seed(1);
        using (var net = PhotoZNetwork.Create(new NetworkConfig { Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 16 }))
            PyTorchWeights.Write(net, good);
        string entry;
        using (var zip = ZipFile.OpenRead(good)) entry = zip.Entries.MaxBy(e => e.Length)!.FullName;
        LyingZip.Write(good, path, entry, extra: 64 << 20); // declares its real size, inflates 64 MB further
        using (var zip = ZipFile.OpenRead(path))
        {
            // The lie is invisible to the declared-size bound, and .NET's reader silently stops at the claim.
            Assert.True(zip.Entries.Sum(e => e.Length) < WeightFileLimits.MaxInflation * new FileInfo(path).Length);
            using var s = zip.GetEntry(entry)!.Open();
            Assert.Equal(zip.GetEntry(entry)!.Length, s.CopyToCounting());
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<UserInputException>(() => PyTorchWeights.Read(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains($"lying.pth: {entry} fails its CRC-32 check", e.Message);
        Assert.Contains("inflates to more than its declared", e.Message);
        var honest = PyTorchWeights.Read(good); // the same weights with honest sizes read
        Assert.NotEmpty(honest);
        foreach (var t in honest.Values) t.Dispose();
    }
}

internal static class StreamCounting
{
    public static long CopyToCounting(this Stream s)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = s.Read(buffer)) > 0) total += n;
        return total;
    }
}
