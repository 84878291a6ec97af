using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sources;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Bench;

/// <summary>
/// Every output field of the sep port's measurements as hex bits, one line per cutout, for a byte comparison of two
/// builds (a speed change to src/Astronomy/Sources must leave it identical):
/// <c>dotnet bench/MantisShrimp.Bench/bin/Release/net10.0/MantisShrimp.Bench.dll sep-identity OUT.txt [COUNT] [DEMO]
/// [REAL]</c>,
/// then <c>cmp</c> the files of the two builds (for an older build, copy this file into its bench project).
/// COUNT demo shard samples (default 500; DEMO default /work/main/demo): <see cref="TargetPhotometry.MeasureSample"/>
/// and <see cref="TargetPhotometry.SignalToNoise"/>; every 5th sample's bands through the whole
/// <see cref="Extractor.Extract"/> (with and without kronNearest: levels, meshes, a hash of the subtracted image, every
/// object's moments, Kron figures and a hash of its pixels); every 10th with NaN holes and a NaN block, and with ±∞
/// pixels; blank and all-NaN bands; the real PS1 cutouts of REAL (default /work/shared/real-cutouts), centre-cropped.
/// </summary>
public static class SepIdentityDump
{
    public static int Run(string[] args)
    {
        if (args.Length < 1) throw new ArgumentException("sep-identity OUT.txt [COUNT] [DEMO] [REAL]");
        int count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500;
        string demo = args.Length > 2 ? args[2] : "/work/main/demo", real = args.Length > 3 ? args[3] : "/work/shared/real-cutouts";
        var w = new StringBuilder();
        var rng = new SplitMix64(17);
        int done = 0;
        using (var set = ShardSet.Open(Path.Combine(demo, "shards")))
            foreach (var shard in set.Shards)
                for (int slot = 0; slot < shard.Count && done < count; slot++, done++)
                {
                    var px = shard.Pixels(slot).ToArray();
                    string id = $"{shard.Info.Split}/{Path.GetFileName(shard.Path)}/{slot}";
                    foreach (var t in TargetPhotometry.MeasureSample(px)) w.Append(id).Append(" sample ").AppendLine(Target(t));
                    w.Append(id).Append(" snr ").AppendLine(H(TargetPhotometry.SignalToNoise(px, Band.r)));
                    foreach (var b in BandTable.All)
                    {
                        int k = b.NativeSize;
                        var img = px.AsSpan(BandTable.NativePixelOffset(b.Band), k * k).ToArray();
                        if (done % 5 == 0) Cutout(w, $"{id}/{b.Name}", b.Band, img);
                        if (done % 10 != 0) continue;
                        var holes = (float[])img.Clone();
                        for (int i = 0; i < holes.Length / 50; i++) holes[(int)(rng.NextDouble() * holes.Length)] = float.NaN;
                        for (int y = 0; y < k / 6; y++)
                            for (int x = 0; x < k / 5; x++) holes[(k / 3 + y) * k + k / 2 + x] = float.NaN;
                        Cutout(w, $"{id}/{b.Name}/nan", b.Band, holes);
                        var inf = (float[])img.Clone();
                        inf[k * k / 2 + 3] = float.PositiveInfinity;
                        inf[7] = float.NegativeInfinity;
                        Cutout(w, $"{id}/{b.Name}/inf", b.Band, inf);
                    }
                }
        foreach (var b in BandTable.All)
        {
            int n = b.NativeSize * b.NativeSize;
            Cutout(w, $"blank/{b.Name}", b.Band, new float[n]);
            Cutout(w, $"allnan/{b.Name}", b.Band, Enumerable.Repeat(float.NaN, n).ToArray());
        }
        foreach (var file in Directory.GetFiles(real, "ps1_fitscut_*.fits").Order(StringComparer.Ordinal))
        {
            var img = FitsFile.ReadFirstImage(file);
            int n = BandTable.PanStarrs.NativeSize, x0 = (img.Width - n) / 2, y0 = (img.Height - n) / 2;
            var crop = new float[n * n];
            for (int y = 0; y < n; y++) img.Data.AsSpan((y0 + y) * img.Width + x0, n).CopyTo(crop.AsSpan(y * n, n));
            Cutout(w, Path.GetFileName(file), Band.r, crop);
        }
        AtomicFile.WriteAllText(args[0], w.ToString());
        Console.WriteLine($"sep-identity: {done} samples → {args[0]}");
        return 0;
    }

    private static void Cutout(StringBuilder w, string name, Band band, float[] img)
    {
        int n = BandTable.Get(band).NativeSize;
        double c = (n - 1) / 2.0;
        w.Append(name).Append(' ').AppendLine(Target(TargetPhotometry.Measure(band, img)));
        w.Append(name).Append(" near ").AppendLine(Extraction(Extractor.Extract(img, n, n, null, (c, c))));
        w.Append(name).Append(" all ").AppendLine(Extraction(Extractor.Extract(img, n, n)));
    }

    private static string Target(TargetMeasurement t) =>
        $"{t.Band} {t.Method} {H(t.Flux)} {H(t.Area)} {E(t.Aperture)} {E(t.Mask)} {F(t.BackLevel)} {F(t.BackRms)} {t.Detections} " +
        $"{H(t.KronRadius)} {H(t.SignalToNoise)} {H(t.FluxError)}";

    private static string Extraction(ExtractionResult r)
    {
        var sb = new StringBuilder();
        sb.Append(F(r.Threshold)).Append(' ').Append(F(r.Background.GlobalBack)).Append(' ').Append(F(r.Background.GlobalRms));
        foreach (float v in r.Background.MeshBack) sb.Append(' ').Append(F(v));
        foreach (float v in r.Background.MeshRms) sb.Append(' ').Append(F(v));
        ulong sub = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(r.Subtracted.AsSpan()));
        sb.Append(" sub=").Append(sub.ToString("x16"));
        foreach (var o in r.Objects)
        {
            var m = o.Shape;
            double[] shape = [m.X, m.Y, m.X2, m.Y2, m.XY, m.A, m.B, m.Theta, m.Cxx, m.Cyy, m.Cxy, m.Flux];
            ulong pixels = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(o.Pixels.AsSpan()));
            sb.Append(" [").AppendJoin(',', shape.Select(H)).Append(',').Append(m.Area).Append(' ').Append(F(o.Peak)).Append(' ')
                .Append(F(o.Threshold)).Append(' ').Append(H(o.KronRadius)).Append(' ').Append(H(o.KronFlux)).Append(' ')
                .Append(H(o.KronArea)).Append(' ').Append(o.Pixels.Length).Append(':').Append(pixels.ToString("x16")).Append(']');
        }
        return sb.ToString();
    }

    private static string H(double d) => BitConverter.DoubleToInt64Bits(d).ToString("x16");
    private static string F(float f) => BitConverter.SingleToInt32Bits(f).ToString("x8");
    private static string E(Ellipse e) => $"{H(e.X)},{H(e.Y)},{H(e.A)},{H(e.B)},{H(e.Theta)}";
}
