using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels.Shapley;

namespace MantisShrimp.Engine.Shapley;

/// <summary>One galaxy to explain: its raw sample, its masked image (both native pixels in channel order) and E(B−V).</summary>
public sealed record ShapleyGalaxy(float[] Raw, float[] Masked, float EbvCsfd, float EbvPlanck)
{
    /// <summary>A shard record with its masked image (source extraction of every band, noise from (seed, catalog row)).</summary>
    public static ShapleyGalaxy FromRecord(Data.Shard shard, int slot, ulong seed) => FromRecords([(shard, slot)], seed)[0];

    /// <summary>
    /// Shard records with their masked images: the targets come from the shard set's photometry table (measured once, at
    /// ingest; measured now for a set without one), then the masked images are drawn in one pass — by <paramref name="kernels"/> when
    /// given, else the C# body.
    /// </summary>
    public static ShapleyGalaxy[] FromRecords(IReadOnlyList<(Data.Shard Shard, int Slot)> records, ulong seed,
        ShapleyKernelHost? kernels = null)
    {
        int n = records.Count, stride = BandTable.NativePixelsPerSample;
        var raw = new float[n * stride];
        var masks = new BandMask[n * BandTable.BandCount];
        Parallel.For(0, n, i =>
        {
            var (shard, slot) = records[i];
            var pixels = raw.AsSpan(i * stride, stride);
            shard.Pixels(slot).CopyTo(pixels);
            var targets = Data.PhotometryTable.Of(shard, slot);
            MaskedImages.Masks(targets, seed, shard.Header(slot).CatalogRow).CopyTo(masks, i * BandTable.BandCount);
        });
        var masked = new float[raw.Length];
        if (kernels is not null) kernels.MaskedImages(raw, masked, masks, MaskedImages.PlaneStart, MaskedImages.PlaneSize, n);
        else MaskedImageKernel.Run(raw, masked, masks, MaskedImages.PlaneStart, MaskedImages.PlaneSize, n);
        return Enumerable.Range(0, n).Select(i =>
        {
            ref readonly var h = ref records[i].Shard.Header(records[i].Slot);
            return new ShapleyGalaxy(raw.AsSpan(i * stride, stride).ToArray(), masked.AsSpan(i * stride, stride).ToArray(),
                h.EbvCsfd, h.EbvPlanck);
        }).ToArray();
    }
}
