using MantisShrimp.Engine.Common;
using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

/// <summary>The .npy reader against arrays numpy itself wrote (formats 1.0–3.0, float32/64, both byte orders) and files it must
/// refuse.</summary>
public sealed class PublishedNpyTests(ITestOutputHelper output)
{
    [Fact]
    public void Npy_reader_reads_what_numpy_writes_and_refuses_bad_files()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mantis-npy-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var peer = PythonPeer.Run("published_npy.py", dir);
            int read = 0;
            foreach (var f in peer.GetProperty("files").EnumerateArray())
            {
                string name = f.GetProperty("name").GetString()!;
                var (values, shape) = NpyReader.Read(Path.Combine(dir, name));
                Assert.Equal(f.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()), shape);
                Assert.Equal(f.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()), values); // exact: float32 widens exactly
                read++;
            }
            foreach (var b in peer.GetProperty("bad").EnumerateArray())
            {
                string name = b.GetString()!;
                var e = Assert.Throws<UserInputException>(() => NpyReader.Read(Path.Combine(dir, name)));
                Assert.Contains(name, e.Message);
            }
            PythonPeer.Report(output, "npy reader vs numpy",
                $"{read} arrays read exactly, {peer.GetProperty("bad").GetArrayLength()} bad files refused");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
