using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Tests;

public class IngestTests
{
    private static (string Catalog, string Cutouts) MakeSet(TempDir tmp, int count, Action<string, int>? tweak = null)
    {
        string cutouts = tmp.File("cutouts");
        Directory.CreateDirectory(cutouts);
        var rows = new List<(string, double, double, double)>();
        for (int k = 0; k < count; k++)
        {
            string id = $"src{k:D3}";
            double ra = 10 + k * 0.01, dec = 5 - k * 0.01;
            SampleFiles.Write(cutouts, id, ra, dec, seed: k);
            rows.Add((id, ra, dec, 0.05 + 0.01 * k));
            tweak?.Invoke(cutouts, k);
        }
        return (SampleFiles.Catalog(tmp.File("catalog.csv"), rows), cutouts);
    }

    [Fact]
    public void Cutouts_from_another_writer_are_reproduced_exactly_in_the_shards()
    {
        using var tmp = new TempDir();
        var (catalog, cutouts) = MakeSet(tmp, 6);
        var summary = Ingest.Run(new IngestOptions(catalog, cutouts, tmp.File("shards")) { Chunks = 2, Seed = 7 });
        Assert.Equal(6, summary.Accepted);
        using var set = ShardSet.Open(tmp.File("shards"));
        for (int k = 0; k < 6; k++)
        {
            var (shard, slot) = set.Find($"src{k:D3}")!.Value;
            ref readonly var h = ref shard.Header(slot);
            Assert.True(h.IsWritten);
            Assert.Equal(k, h.CatalogRow);
            Assert.Equal(0.05 + 0.01 * k, h.Z, 6);
            foreach (var band in BandTable.All)
            {
                var pixels = shard.Band(slot, band.Band);
                int n = band.NativeSize;
                for (int y = 0; y < n; y += 7)
                    for (int x = 0; x < n; x += 5)
                        Assert.Equal(SampleFiles.Value(band.Band, x, y, k), pixels[y * n + x]);
            }
            unsafe
            {
                Assert.Equal(25 + 2.5 * Math.Log10(600), h.ZeroPoints[(int)Band.r], 4);
                Assert.Equal(18.82, h.ZeroPoints[(int)Band.FUV], 4);
                Assert.Equal(22.5 + 2.699, h.ZeroPoints[(int)Band.W1], 4);
            }
        }
        var meta = File.ReadAllLines(Path.Combine(tmp.File("shards"), set.Shards[0].Info.Meta));
        Assert.StartsWith("slot,id,row,ra,dec,z,ebv_csfd,ebv_planck,survey", meta[0]);
        Assert.Contains("\"SDSS, DR17\"", meta[1]);
    }

    [Fact]
    public void Bad_samples_go_to_rejects_and_the_rest_is_ingested()
    {
        using var tmp = new TempDir();
        var (catalog, cutouts) = MakeSet(tmp, 8, (dir, k) =>
        {
            string id = $"src{k:D3}";
            switch (k)
            {
                case 1: // truncated file
                    var bytes = File.ReadAllBytes(Path.Combine(dir, $"{id}.i.fits"));
                    File.WriteAllBytes(Path.Combine(dir, $"{id}.i.fits"), bytes[..(bytes.Length / 2)]);
                    break;
                case 2: // missing file
                    File.Delete(Path.Combine(dir, $"{id}.Unwise.fits"));
                    break;
                case 3: // 2% NaN in r: over the 1% rule
                    SampleFiles.Write(dir, id, 10 + k * 0.01, 5 - k * 0.01, k, value: (b, x, y) =>
                        b == Band.r && y < 4 && x < 170 ? float.NaN : SampleFiles.Value(b, x, y, k));
                    break;
                case 4: // 0.5% NaN in g: kept, NaNs preserved
                    SampleFiles.Write(dir, id, 10 + k * 0.01, 5 - k * 0.01, k, value: (b, x, y) =>
                        b == Band.g && y == 0 ? float.NaN : SampleFiles.Value(b, x, y, k));
                    break;
                case 5: // PS1 too small
                    SampleFiles.Write(dir, id, 10 + k * 0.01, 5 - k * 0.01, k, ps1Size: 150);
                    break;
                case 6: // not FITS at all
                    File.WriteAllText(Path.Combine(dir, $"{id}.Galex.fits"), "<html>502 Bad Gateway</html>");
                    break;
            }
        });
        // One more catalog row with z out of range and one with an unparsable field.
        File.AppendAllLines(catalog, ["src007x,10,5,1.7,0.03,0.03,x", "src007y,10,5,abc,0.03,0.03,x"]);
        var summary = Ingest.Run(new IngestOptions(catalog, cutouts, tmp.File("shards")) { Chunks = 1 });
        Assert.Equal(3, summary.Accepted); // 0, 4, 7
        var rejects = File.ReadAllLines(Path.Combine(tmp.File("shards"), Ingest.RejectsFile));
        Assert.Equal("id,reason", rejects[0]);
        string Reason(string id) => rejects.Single(l => l.StartsWith(id + ",")).ToLowerInvariant();
        Assert.Contains("truncated", Reason("src001"));
        Assert.Contains("src001.i.fits", Reason("src001"));
        Assert.Contains("missing file", Reason("src002"));
        Assert.Contains("nan rule", Reason("src003"));
        Assert.Contains("smaller than 170", Reason("src005"));
        Assert.Contains("not a fits file", Reason("src006"));
        Assert.Contains("outside (0, 1.6)", Reason("src007x"));
        Assert.Contains("field z", Reason("src007y"));
        Assert.Equal(1 + 7, rejects.Length); // header + 7 rejected

        using var set = ShardSet.Open(tmp.File("shards"));
        var (shard, slot) = set.Find("src004")!.Value;
        Assert.Equal(170, shard.Band(slot, Band.g).ToArray().Count(float.IsNaN));
        Assert.True(shard.Header(slot).Flags.HasFlag(SampleFlags.PanStarrsHasNaN));
        var stats = ShardInspector.Inspect(set, "src004").Bands.Single(b => b.Band == "g").Stats;
        Assert.Equal(170, stats.NaN);
    }

    [Fact]
    public void Larger_ps1_cutouts_are_centre_cropped()
    {
        using var tmp = new TempDir();
        string cutouts = tmp.File("cutouts");
        Directory.CreateDirectory(cutouts);
        SampleFiles.Write(cutouts, "big", 20, 1, seed: 3, ps1Size: 240);
        string catalog = SampleFiles.Catalog(tmp.File("c.csv"), [("big", 20, 1, 0.3)]);
        Ingest.Run(new IngestOptions(catalog, cutouts, tmp.File("s")) { Chunks = 1 });
        using var set = ShardSet.Open(tmp.File("s"));
        var (shard, slot) = set.Find("big")!.Value;
        var g = shard.Band(slot, Band.g);
        // Stored (x, y) is (x + 35, y + 35) of the 240×240 file.
        Assert.Equal(SampleFiles.Value(Band.g, 35, 35, 3), g[0]);
        Assert.Equal(SampleFiles.Value(Band.g, 35 + 169, 35 + 100, 3), g[100 * 170 + 169]);
        Assert.True(shard.Header(slot).Flags.HasFlag(SampleFlags.Cropped));
    }

    [Fact]
    public void Cutout_centred_elsewhere_is_rejected()
    {
        using var tmp = new TempDir();
        string cutouts = tmp.File("cutouts");
        Directory.CreateDirectory(cutouts);
        SampleFiles.Write(cutouts, "far", 20.01, 1, seed: 3);
        string catalog = SampleFiles.Catalog(tmp.File("c.csv"), [("far", 20, 1, 0.3)]);
        var s = Ingest.Run(new IngestOptions(catalog, cutouts, tmp.File("s")) { Chunks = 1 });
        Assert.Equal(1, s.Rejected);
        Assert.Contains("from the catalog position", File.ReadAllText(Path.Combine(tmp.File("s"), Ingest.RejectsFile)));
    }

    [Fact]
    public void Interrupted_then_resumed_ingest_equals_an_uninterrupted_one()
    {
        using var tmp = new TempDir();
        var (catalog, cutouts) = MakeSet(tmp, 24, (dir, k) =>
        {
            if (k == 5) File.Delete(Path.Combine(dir, $"src{k:D3}.z.fits"));
        });
        var options = new IngestOptions(catalog, cutouts, tmp.File("whole")) { Chunks = 4, Seed = 11 };
        Ingest.Run(options);

        // Interrupt twice: once while checking, once while writing shards.
        foreach (var stopAt in new[] { ("checking cutouts", 9), ("writing shards", 13) })
        {
            using var cts = new CancellationTokenSource();
            var progress = new CancelAfter(stopAt.Item1, stopAt.Item2, cts);
            Assert.ThrowsAny<OperationCanceledException>(() =>
                Ingest.Run(options with { OutputDirectory = tmp.File("resumed"), MaxParallelism = 1 }, progress, cts.Token));
            Assert.False(File.Exists(Path.Combine(tmp.File("resumed"), Ingest.ManifestFile)));
        }
        var resumed = Ingest.Run(options with { OutputDirectory = tmp.File("resumed") });
        Assert.False(resumed.AlreadyComplete);

        foreach (var file in Directory.GetFiles(tmp.File("whole")).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(tmp.File("whole"), file!)),
                File.ReadAllBytes(Path.Combine(tmp.File("resumed"), file!)));
        Assert.Equal(Directory.GetFileSystemEntries(tmp.File("whole")).Length, Directory.GetFileSystemEntries(tmp.File("resumed")).Length);

        // Running again is a no-op.
        var again = Ingest.Run(options with { OutputDirectory = tmp.File("resumed") });
        Assert.True(again.AlreadyComplete);
    }

    [Fact]
    public void Each_cutout_file_is_opened_once_and_the_shards_equal_a_plain_ingest()
    {
        using var tmp = new TempDir();
        var (catalog, cutouts) = MakeSet(tmp, 10, (dir, k) =>
        {
            if (k == 4) File.Delete(Path.Combine(dir, $"src{k:D3}.i.fits"));
        });
        // Every open goes through the resolver: it counts opens per file name.
        var opens = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var counting = new CutoutLoader(name =>
        {
            opens.AddOrUpdate(name, 1, (_, c) => c + 1);
            return Path.Combine(cutouts, name);
        });
        var options = new IngestOptions(catalog, cutouts, tmp.File("counted")) { Chunks = 2, Seed = 5 };
        var summary = Ingest.Run(options, e => counting.Load(e.Id, e.Ra, e.Dec));
        Assert.Equal(9, summary.Accepted);
        Assert.All(opens, kv => Assert.True(kv.Value == 1, $"{kv.Key} was opened {kv.Value} times"));
        foreach (var k in Enumerable.Range(0, 10).Where(k => k != 4))
            foreach (var file in BandTable.All.Select(b => b.FileName($"src{k:D3}")).Distinct())
                Assert.True(opens.ContainsKey(file), file);

        Ingest.Run(options with { OutputDirectory = tmp.File("plain") });
        AssertSameFiles(tmp.File("plain"), tmp.File("counted"));
    }

    [Fact]
    public void Resumed_ingest_whose_spool_was_lost_reads_the_cutouts_again_and_equals_an_uninterrupted_one()
    {
        using var tmp = new TempDir();
        var (catalog, cutouts) = MakeSet(tmp, 12);
        var options = new IngestOptions(catalog, cutouts, tmp.File("whole")) { Chunks = 2, Seed = 3 };
        Ingest.Run(options);
        using (var cts = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() =>
                Ingest.Run(options with { OutputDirectory = tmp.File("resumed"), MaxParallelism = 1 },
                new CancelAfter("writing shards", 5, cts), cts.Token));
        }
        string spool = Path.Combine(tmp.File("resumed"), Ingest.WorkDirectory, Ingest.SpoolFile);
        Assert.True(File.Exists(spool));
        File.Delete(spool); // e.g. lost with the page cache: the verdicts say accepted, the records are gone
        int written = File.ReadAllLines(Path.Combine(tmp.File("resumed"), Ingest.WorkDirectory, "written.log")).Length;
        Assert.InRange(written, 1, 11);
        var calls = 0;
        var loader = new CutoutLoader(cutouts);
        Ingest.Run(options with { OutputDirectory = tmp.File("resumed") }, e =>
        {
            Interlocked.Increment(ref calls);
            return loader.Load(e.Id, e.Ra, e.Dec);
        });
        Assert.Equal(12 - written, calls); // the rows not yet written, once each
        AssertSameFiles(tmp.File("whole"), tmp.File("resumed"));
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        var names = Directory.GetFileSystemEntries(expected).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(names, Directory.GetFileSystemEntries(actual).Select(Path.GetFileName).Order().ToArray());
        foreach (var file in names)
            Assert.True(File.ReadAllBytes(Path.Combine(expected,
                file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file!))), file);
    }

    [Fact]
    public void Other_settings_on_an_existing_set_are_a_user_error()
    {
        using var tmp = new TempDir();
        var (catalog, cutouts) = MakeSet(tmp, 3);
        var options = new IngestOptions(catalog, cutouts, tmp.File("s")) { Chunks = 1, Seed = 1 };
        Ingest.Run(options);
        Assert.Throws<UserInputException>(() => Ingest.Run(options with { Seed = 2 }));
    }

    [Fact]
    public void Missing_required_column_names_the_file_and_column()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("c.csv"), "id,ra,dec,z,ebv_csfd\na,1,2,0.1,0.01\n");
        Directory.CreateDirectory(tmp.File("cut"));
        var e = Assert.Throws<UserInputException>(() => Ingest.Run(new IngestOptions(tmp.File("c.csv"), tmp.File("cut"), tmp.File("s"))));
        Assert.Contains("c.csv", e.Message);
        Assert.Contains("ebv_planck", e.Message);
    }

    [Fact]
    public void Split_is_70_10_20_per_chunk_and_deterministic()
    {
        var a = DatasetSplit.Assign(1600, 16, 5);
        Assert.Equal(a, DatasetSplit.Assign(1600, 16, 5));
        Assert.NotEqual(a, DatasetSplit.Assign(1600, 16, 6));
        for (int c = 0; c < 16; c++)
        {
            Assert.Equal(70, a.Count(s => s.Chunk == c && s.Split == Splits.Train));
            Assert.Equal(10, a.Count(s => s.Chunk == c && s.Split == Splits.Val));
            Assert.Equal(20, a.Count(s => s.Chunk == c && s.Split == Splits.Test));
        }
        // Slots inside each shard are 0..n-1 exactly once.
        foreach (var g in a.GroupBy(s => (s.Chunk, s.Split)))
            Assert.Equal(Enumerable.Range(0, g.Count()), g.Select(s => s.Slot).Order());
    }

    private sealed class CancelAfter(string label, int units, CancellationTokenSource cts) : IProgressReporter
    {
        public IProgressTask Start(string l, long total) => new Task(l == label ? units : int.MaxValue, cts);
        public void Message(string text) { }

        private sealed class Task(int limit, CancellationTokenSource cts) : IProgressTask
        {
            private int _done;
            public void Advance(long n = 1)
            {
                if (Interlocked.Add(ref _done, (int)n) >= limit) cts.Cancel();
            }
            public void Dispose() { }
        }
    }
}
