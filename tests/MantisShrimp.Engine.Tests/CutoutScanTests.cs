using System.Globalization;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Surveys;
using static MantisShrimp.Engine.Tests.FitsBytes;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// The loader's whole-vector scans (±Inf → NaN, the NaN rule's count) against a pixel-by-pixel count: NaN and Inf at random
/// places, row ends and plane ends included (a PS1 row of 170 is not a whole number of vectors).
/// </summary>
public sealed class CutoutScanTests
{
    [Theory]
    [InlineData(841)]
    [InlineData(28900)]
    [InlineData(7)]
    [InlineData(1)]
    public void The_nan_rule_counts_every_nan_wherever_it_is(int length)
    {
        var r = new Random(length);
        var band = BandTable.Get(Band.r);
        for (int trial = 0; trial < 40; trial++)
        {
            var plane = new float[length];
            for (int i = 0; i < length; i++) plane[i] = (float)r.NextDouble();
            int want = trial % 4 == 0 ? 0 : r.Next(0, Math.Max(2, length / 20));
            var at = Enumerable.Range(0, length).OrderBy(_ => r.Next()).Take(want).ToList();
            if (want > 0) at[0] = length - 1; // the last pixel, in the scalar tail or the last vector
            foreach (int i in at) plane[i] = float.NaN;
            int nan = plane.Count(float.IsNaN);
            double fraction = nan / (double)length;
            if (fraction > BandTable.MaxPanStarrsNanFraction)
            {
                var e = Assert.Throws<SampleRejectedException>(() => CutoutLoader.CheckPanStarrsNaN(band, plane));
                Assert.Contains($"({nan} of {length};", e.Message, StringComparison.Ordinal);
                Assert.Equal(SampleFlags.PanStarrsHasNaN | SampleFlags.PanStarrsNanOverLimit,
                    CutoutLoader.CheckPanStarrsNaN(band, plane, allowOverLimit: true));
            }
            else
            {
                Assert.Equal(nan > 0 ? SampleFlags.PanStarrsHasNaN : SampleFlags.None, CutoutLoader.CheckPanStarrsNaN(band, plane));
            }
        }
    }

    [Fact]
    public void Every_infinity_in_a_float_cutout_is_read_as_nan_and_nothing_else_changes()
    {
        var dir = Directory.CreateTempSubdirectory("mantis-scan-").FullName;
        try
        {
            const double ra = 150.1, dec = 2.2;
            SampleFiles.Write(dir, "s", ra, dec);
            var info = BandTable.Get(Band.r);
            int n = info.NativeSize, size = n + 6; // cropped: the rows start mid-line in the file
            var r = new Random(5);
            var values = new double[size * size];
            for (int i = 0; i < values.Length; i++) values[i] = Math.Round(r.NextDouble() * 100, 2);
            var infinities = new HashSet<(int X, int Y)> { (size - 4, 3), (3, 3), (size - 4, size - 4), (90, 77) };
            foreach (var (x, y) in infinities) values[y * size + x] = (x + y) % 2 == 0 ? double.PositiveInfinity : double.NegativeInfinity;
            File.WriteAllBytes(Path.Combine(dir, "s.r.fits"), Image(-32, [size, size], values,
                [Card("EXPTIME", "600."), .. SampleFiles.Wcs(ra, dec, size, info.SurveyInfo.PixelScaleArcsec)]));

            var sample = new CutoutLoader(dir).Load("s", ra, dec);
            Assert.True((sample.Flags & SampleFlags.InfinityAsNaN) != 0);
            Assert.True((sample.Flags & SampleFlags.Cropped) != 0);
            var plane = sample.Band(Band.r);
            int x0 = (size - n) / 2;
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double stored = values[(y + x0) * size + x + x0];
                    float got = plane[y * n + x];
                    if (double.IsInfinity(stored)) Assert.True(float.IsNaN(got), $"({x}, {y}) was ±Inf, read {got}");
                    else Assert.True((float)stored == got, string.Create(CultureInfo.InvariantCulture, $"({x}, {y}): {stored} → {got}"));
                }

            SampleFiles.Write(dir, "t", ra, dec);
            Assert.Equal(SampleFlags.None, new CutoutLoader(dir).Load("t", ra, dec).Flags & SampleFlags.InfinityAsNaN);
        }
        finally { Directory.Delete(dir, true); }
    }
}
