using MantisShrimp.Engine.Data;

namespace MantisShrimp.Host.Web;

/// <summary>
/// The cutouts of recent results, for the page's mosaic, bounded by bytes: an entry holds the sample's pixels until
/// its PNG is drawn, then the PNG only; the oldest entries go when the total passes the bound.
/// </summary>
internal sealed class MosaicCache(long maxBytes, Func<CutoutSample, byte[]> draw)
{
    private sealed class Entry(CutoutSample sample)
    {
        public CutoutSample? Sample = sample;
        public byte[]? Png;
        public long Bytes = sample.Pixels.Length * sizeof(float) + Overhead;
    }

    private const long Overhead = 256; // key, node and object headers
    private readonly Dictionary<string, LinkedListNode<(string Key, Entry Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, Entry Value)> _order = new();
    private readonly Lock _lock = new();

    public long Bytes { get; private set; }
    public int Count { get { lock (_lock) return _map.Count; } }

    /// <summary>Keeps <paramref name="sample"/> under a new key.</summary>
    public string Add(CutoutSample sample)
    {
        string key = Guid.NewGuid().ToString("N");
        var entry = new Entry(sample);
        lock (_lock)
        {
            _map[key] = _order.AddLast((key, entry));
            Bytes += entry.Bytes;
            Trim();
        }
        return key;
    }

    /// <summary>The PNG for a key (drawn on first use, outside the lock), or null when unknown or dropped.</summary>
    public byte[]? Png(string key)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_map.TryGetValue(key, out var node)) return null;
            entry = node.Value.Value;
            if (entry.Png is { } done) return done;
        }
        var sample = entry.Sample;
        if (sample is null) return entry.Png;
        byte[] png = draw(sample);
        lock (_lock)
        {
            if (entry.Sample is not null && _map.ContainsKey(key))
            {
                Bytes += png.Length + Overhead - entry.Bytes;
                entry.Bytes = png.Length + Overhead;
                entry.Png = png;
                entry.Sample = null;
                Trim();
            }
        }
        return png;
    }

    private void Trim()
    {
        while (Bytes > maxBytes && _order.First is { } oldest)
        {
            _order.RemoveFirst();
            _map.Remove(oldest.Value.Key);
            Bytes -= oldest.Value.Value.Bytes;
        }
    }
}
