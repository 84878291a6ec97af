using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Tests;

/// <summary>Ingest of genuine PS1 fitscut files (240×240, HIERARCH cards, CDELT + PC00i00j WCS, CRPIX far outside).</summary>
public class RealCutoutIngestTests
{
    [Fact]
    public void Real_ps1_files_are_centre_cropped_with_their_exptime_zero_points()
    {
        using var tmp = new TempDir();
        string cutouts = tmp.File("cutouts");
        Directory.CreateDirectory(cutouts);
        const double ra = 27.952001, dec = 0.263483;
        // GALEX and unWISE from the test's own writer at the same position; PS1 g r i z from the real files (z doubles as y).
        SampleFiles.Write(cutouts, "SN2006bh", ra, dec, seed: 9);
        foreach (var (band, file) in new[] { ("g", "g"), ("r", "r"), ("i", "i"), ("z", "z"), ("y", "z") })
            File.Copy(Path.Combine(TestPaths.RealCutouts, $"ps1_fitscut_SN2006bh_{file}.fits"),
                Path.Combine(cutouts, $"SN2006bh.{band}.fits"), true);
        string catalog = SampleFiles.Catalog(tmp.File("c.csv"), [("SN2006bh", ra, dec, 0.0059)]);

        var summary = Ingest.Run(new IngestOptions(catalog, cutouts, tmp.File("s")) { Chunks = 1 });
        Assert.Equal(1, summary.Accepted);

        using var set = ShardSet.Open(tmp.File("s"));
        var (shard, slot) = set.Find("SN2006bh")!.Value;
        var original = FitsFile.ReadFirstImage(Path.Combine(TestPaths.RealCutouts, "ps1_fitscut_SN2006bh_i.fits"));
        var stored = shard.Band(slot, Band.i);
        for (int y = 0; y < 170; y += 13)
            for (int x = 0; x < 170; x += 11)
                Assert.Equal(original[x + 35, y + 35], stored[y * 170 + x]);
        unsafe
        {
            Assert.Equal(25 + 2.5 * Math.Log10(1860), shard.Header(slot).ZeroPoints[(int)Band.i], 4);
            Assert.Equal(25 + 2.5 * Math.Log10(860), shard.Header(slot).ZeroPoints[(int)Band.g], 4);
        }
        Assert.True(shard.Header(slot).Flags.HasFlag(SampleFlags.Cropped));
    }
}
