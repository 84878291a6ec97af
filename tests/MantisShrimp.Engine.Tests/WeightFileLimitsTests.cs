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
}
