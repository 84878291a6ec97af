using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Data;

/// <summary>An ingested shard set: the manifest and its memory-mapped shards.</summary>
public sealed class ShardSet : IDisposable
{
    private ShardSet(string directory, ShardManifest manifest, Shard[] shards)
    {
        Directory = directory;
        Manifest = manifest;
        Shards = shards;
    }

    public string Directory { get; }
    public ShardManifest Manifest { get; }
    public IReadOnlyList<Shard> Shards { get; }

    public static ShardSet Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new UserInputException($"Shard directory not found: {directory}");
        var manifest = ShardManifest.Load(directory);
        if (manifest.Version != ShardLayout.FormatVersion || manifest.RecordLayout.RecordStrideBytes != ShardLayout.RecordStride)
            throw new UserInputException($"{directory}: shard format version {manifest.Version} / " +
                $"stride {manifest.RecordLayout.RecordStrideBytes} is not this program's " +
                $"({ShardLayout.FormatVersion} / {ShardLayout.RecordStride})");
        var shards = new List<Shard>();
        try
        {
            foreach (var info in manifest.Shards) shards.Add(new Shard(directory, info));
        }
        catch
        {
            foreach (var s in shards) s.Dispose();
            throw;
        }
        return new ShardSet(directory, manifest, shards.ToArray());
    }

    public IEnumerable<Shard> ForSplit(string split) => Shards.Where(s => s.Info.Split == split);

    /// <summary>Finds a source by id; null if it is not in the set.</summary>
    public (Shard Shard, int Slot)? Find(string id)
    {
        foreach (var shard in Shards)
        {
            var ids = shard.Ids;
            for (int i = 0; i < ids.Count; i++)
                if (ids[i] == id) return (shard, i);
        }
        return null;
    }

    public void Dispose()
    {
        foreach (var s in Shards) s.Dispose();
    }
}
