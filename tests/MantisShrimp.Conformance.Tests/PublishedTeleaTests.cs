using MantisShrimp.Kernels.Inpaint;
using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

/// <summary>
/// Telea inpainting (the published pipeline's PS1 NaN treatment) against python3-opencv's cv2.inpaint(…, INPAINT_TELEA):
/// simulated masks on a PS1-like image (pixels, blocks, chip gaps, borders, star masks, scattered pixels, a large hole,
/// radii 1, 3, 5) and the mock universe's PS1 cutouts with NaN defects.
/// </summary>
public sealed class PublishedTeleaTests(ITestOutputHelper output)
{
    /// <summary>Float32 agreement: both sides round the same float sums; a few ulps of values up to ~400 counts.</summary>
    private const double Tolerance = 1e-3;

    [Fact]
    public void Telea_matches_OpenCV_on_simulated_and_mock_universe_masks()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mantis-telea-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var sim = Path.Combine(dir, "sim");
            Assert.Equal(0, Host.Program.Run(["simulate", "--count", "60", "--seed", "7", "--out", sim], TextWriter.Null, TextWriter.Null));
            var fits = Directory.GetFiles(Path.Combine(sim, "cutouts"), "*.fits")
                .Where(f => new[] { ".g.", ".r.", ".i.", ".z.", ".y." }.Any(b => Path.GetFileName(f).Contains(b))).OrderBy(f
                    => f).ToArray();
            var peer = PythonPeer.Run("published_telea.py", [Path.Combine(dir, "cases"), .. fits]);
            var cases = peer.GetProperty("cases").EnumerateArray().ToList();
            int fromFits = cases.Count(c => c.GetProperty("name").GetString()!.StartsWith("fits_", StringComparison.Ordinal));
            Assert.True(fromFits >= 3, $"the mock universe gave only {fromFits} PS1 cutouts with NaNs");
            double worst = 0;
            foreach (var c in cases)
            {
                string name = c.GetProperty("name").GetString()!;
                int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32(), r = c.GetProperty("radius").GetInt32();
                var image = Read(Path.Combine(dir, "cases", name + ".in.f32"), w * h);
                var expected = Read(Path.Combine(dir, "cases", name + ".cv.f32"), w * h);
                TeleaInpaint.InpaintNaN(image, w, h, r);
                double diff = 0;
                for (int i = 0; i < image.Length; i++)
                {
                    Assert.True(float.IsNaN(image[i]) == float.IsNaN(expected[i]),
                        $"{name}: pixel {i % w},{i / w}: ours {image[i]}, OpenCV {expected[i]}");
                    if (!float.IsNaN(image[i])) diff = Math.Max(diff, Math.Abs(image[i] - expected[i]));
                }
                Assert.True(diff <= Tolerance, $"{name}: max |Δ| = {diff:G3}");
                worst = Math.Max(worst, diff);
            }
            PythonPeer.Report(output, "telea vs OpenCV " + peer.GetProperty("opencv").GetString(),
                $"{cases.Count} images ({fromFits} mock-universe PS1 cutouts), max |Δ| = {worst:G3}");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    private static float[] Read(string path, int count)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(count * 4, bytes.Length);
        var values = new float[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
