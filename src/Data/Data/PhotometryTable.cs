using System.Runtime.CompilerServices;
using MantisShrimp.Engine.Sources;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

/// <summary>
/// The target photometry of every record of a shard, measured once (<see cref="TargetPhotometry.MeasureSample"/>)
/// and kept beside it as <c>SHARD.photometry</c>: per slot and band the method, detections, flux, aperture area,
/// the Kron aperture (centroid, semi-axes, θ), its mask, the Kron radius and the global background level
/// and RMS, stored losslessly (doubles as doubles), so a consumer reads exactly what a fresh extraction gives.
/// A shard without the file is measured on demand.
/// </summary>
public static class PhotometryTable
{
    public const string Extension = ".photometry";
    private const ulong Magic = 0x3154_4f48_5053_4d; // "MSPHOT1" little-endian
    private const int BandRecordBytes = 4 + 4 + 8 + 8 + 5 * 8 + 5 * 8 + 8 + 4 + 4;

    private static readonly ConditionalWeakTable<Shard, TargetMeasurement[][]> Loaded = new();

    public static string PathOf(Shard shard) => shard.Path + Extension;

    /// <summary>The targets (9 bands, channel order) of one record: from its shard's table when there is one, else measured now.</summary>
    public static TargetMeasurement[] Of(ShardSet set, RecordRef record) => Of(set.Shards[record.Shard], record.Slot);

    /// <summary>The targets of one shard record: from the shard's table when there is one, else measured now.</summary>
    public static TargetMeasurement[] Of(Shard shard, int slot)
    {
        var table = Table(shard);
        return table is not null ? table[slot] : TargetPhotometry.MeasureSample(shard.Pixels(slot));
    }

    /// <summary>The shard's table, loaded once; null when the shard has none.</summary>
    public static TargetMeasurement[][]? Table(Shard shard)
    {
        if (Loaded.TryGetValue(shard, out var t)) return t;
        string path = PathOf(shard);
        if (!File.Exists(path)) return null;
        t = Read(path, shard.Count);
        return Loaded.GetValue(shard, _ => t);
    }

    /// <summary>Measures every record of every shard that has no table yet and writes the tables; returns the records measured.</summary>
    public static int WriteMissing(ShardSet set, int threads = 0, CancellationToken cancel = default)
    {
        int measured = 0;
        foreach (var shard in set.Shards)
        {
            string path = PathOf(shard);
            if (File.Exists(path)) continue;
            var rows = new TargetMeasurement[shard.Count][];
            var options = new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = threads > 0 ? threads : -1 };
            Parallel.For(0, shard.Count, options, slot => rows[slot] = TargetPhotometry.MeasureSample(shard.Pixels(slot)));
            Write(path, rows);
            measured += shard.Count;
        }
        return measured;
    }

    private static void Write(string path, TargetMeasurement[][] rows)
    {
        string tmp = path + ".tmp";
        using (var w = new BinaryWriter(File.Create(tmp)))
        {
            w.Write(Magic);
            w.Write(rows.Length);
            w.Write(BandTable.BandCount);
            foreach (var row in rows)
                foreach (var t in row)
                {
                    w.Write((int)t.Method); w.Write(t.Detections); w.Write(t.Flux); w.Write(t.Area);
                    WriteEllipse(w, t.Aperture); WriteEllipse(w, t.Mask);
                    w.Write(t.KronRadius); w.Write(t.BackLevel); w.Write(t.BackRms);
                }
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static TargetMeasurement[][] Read(string path, int records)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        if (r.ReadUInt64() != Magic) throw new InvalidDataException($"{path}: not a photometry table");
        int n = r.ReadInt32(), bands = r.ReadInt32();
        if (n != records || bands != BandTable.BandCount)
            throw new InvalidDataException($"{path}: {n} records × {bands} bands, the shard has {records} × {BandTable.BandCount}");
        if (r.BaseStream.Length != 16 + (long)n * bands * BandRecordBytes) throw new InvalidDataException($"{path}: truncated");
        var rows = new TargetMeasurement[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new TargetMeasurement[bands];
            for (int b = 0; b < bands; b++)
            {
                var method = (TargetMethod)r.ReadInt32();
                int detections = r.ReadInt32();
                double flux = r.ReadDouble(), area = r.ReadDouble();
                var aperture = ReadEllipse(r);
                var mask = ReadEllipse(r);
                double kron = r.ReadDouble();
                float back = r.ReadSingle(), rms = r.ReadSingle();
                rows[i][b] = new TargetMeasurement(BandTable.All[b].Band, method, flux, area, aperture, mask, back, rms, detections)
                {
                    KronRadius = kron,
                };
            }
        }
        return rows;
    }

    private static void WriteEllipse(BinaryWriter w, Ellipse e)
    {
        w.Write(e.X); w.Write(e.Y); w.Write(e.A); w.Write(e.B); w.Write(e.Theta);
    }

    private static Ellipse ReadEllipse(BinaryReader r) =>
        new(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
}
