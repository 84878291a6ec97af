using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

public static class ShardInspector
{
    public static RecordInspection Inspect(ShardSet set, string id)
    {
        var found = set.Find(id) ?? throw new UserInputException($"{set.Directory}: no source with id '{id}'");
        var (shard, slot) = found;
        var h = shard.Header(slot);
        var bands = new List<(string, BandStatistics)>();
        var zps = new Dictionary<string, float>();
        foreach (var band in BandTable.All)
        {
            bands.Add((band.Name, Statistics(shard.Band(slot, band.Band), band.NativeSize)));
            unsafe { zps[band.Name] = h.ZeroPoints[band.Channel]; }
        }
        return new RecordInspection(id, shard.Info.Split, shard.Info.Chunk, slot, h.Z, h.Ra, h.Dec, h.EbvCsfd, h.EbvPlanck,
            h.Flags, zps, bands);
    }

    public static BandStatistics Statistics(ReadOnlySpan<float> pixels, int size)
    {
        double sum = 0;
        int nan = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        bool any = false;
        foreach (float v in pixels)
        {
            if (!float.IsFinite(v)) { nan++; continue; }
            any = true;
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return new BandStatistics(size, size, sum, nan, any ? min : null, any ? max : null);
    }
}
