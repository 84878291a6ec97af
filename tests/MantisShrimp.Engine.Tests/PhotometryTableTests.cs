using MantisShrimp.Engine.Calibration;
using MantisShrimp.Engine.Tabular;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Data.Pipeline;
using MantisShrimp.Engine.Simulation;
using MantisShrimp.Engine.Sources;

namespace MantisShrimp.Engine.Tests;

/// <summary>The per-record photometry table written at ingest: consumers read exactly what a fresh extraction gives.</summary>
public class PhotometryTableTests
{
    [Fact]
    public void Ingest_writes_the_table_and_consumers_read_the_same_numbers_as_a_fresh_extraction()
    {
        using var tmp = new TempDir();
        var o = new SimulationOptions(12, 5, tmp.File("sim")) { DustNside = 64, Threads = 2 };
        MockUniverse.SimulateToShards(o, tmp.File("shards"), 1, 3);
        using var set = ShardSet.Open(tmp.File("shards"));
        Assert.All(set.Shards, s => Assert.True(File.Exists(PhotometryTable.PathOf(s)), s.Path));
        var records = set.Shards.SelectMany((s, i) => Enumerable.Range(0, s.Count).Select(slot => new RecordRef(i, slot))).ToArray();
        var fromTable = RecordFeatures.Compute(set, records);
        var tabularFeatures = records.Select(r => TabularModel.Features(set, r)).ToArray();
        int kron = 0;
        for (int k = 0; k < records.Length; k++)
        {
            var r = records[k];
            var shard = set.Shards[r.Shard];
            var stored = PhotometryTable.Of(set, r);
            var fresh = TargetPhotometry.MeasureSample(shard.Pixels(r.Slot));
            Assert.Equal(fresh, stored); // every field: method, flux, area, apertures, mask, Kron radius, background, detections
            kron += stored.Count(t => t.Method == TargetMethod.Kron);
            ref readonly var h = ref shard.Header(r.Slot);
            Assert.Equal(CalibrationFeatures.FromSample(shard.Pixels(r.Slot), h.EbvCsfd, h.EbvPlanck), fromTable[k]);
        }
        Assert.True(kron > records.Length, $"only {kron} Kron targets: the check would not exercise the Kron path");

        // Shapley's masked images from the table equal those of a fresh extraction (MaskedImages.ForSample measures).
        var pairs = records.Select(r => (set.Shards[r.Shard], r.Slot)).ToArray();
        var galaxies = Shapley.ShapleyGalaxy.FromRecords(pairs, seed: 9);
        for (int k = 0; k < records.Length; k++)
        {
            var (shard, slot) = pairs[k];
            var (_, fresh) = Shapley.MaskedImages.ForSample(shard.Pixels(slot), 9, shard.Header(slot).CatalogRow);
            Assert.Equal(fresh, galaxies[k].Masked);
        }

        // A shard set without the table is measured on demand, with the same results.
        foreach (var s in set.Shards) File.Delete(PhotometryTable.PathOf(s));
        using var bare = ShardSet.Open(tmp.File("shards"));
        Assert.Null(PhotometryTable.Table(bare.Shards[0]));
        Assert.Equal(fromTable, RecordFeatures.Compute(bare, records));
        Assert.Equal(tabularFeatures, records.Select(r => TabularModel.Features(bare, r)).ToArray());
        Assert.Equal(set.Shards.Sum(s => s.Count), PhotometryTable.WriteMissing(bare, 1));
        Assert.Equal(PhotometryTable.Of(set, records[0]), PhotometryTable.Of(bare, records[0]));
    }
}
