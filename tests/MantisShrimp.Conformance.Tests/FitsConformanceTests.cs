using System.Globalization;
using System.Runtime.InteropServices;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Tests;
using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

/// <summary>
/// FITS read against astropy: files astropy writes (peers/fits_read.py: every BITPIX, BSCALE/BZERO, BLANK, cubes,
/// IMAGE extensions, CONTINUE, HIERARCH, a trailing zero block) read by the engine, pixel for pixel.
/// </summary>
public sealed class FitsConformanceTests(ITestOutputHelper output)
{
    private const int Seed = 20261201;

    [Fact]
    public void Files_written_by_astropy_read_pixel_exact()
    {
        using var tmp = new TempDir();
        var manifest = PythonPeer.Run("fits_read.py", tmp.Path, Seed.ToString(CultureInfo.InvariantCulture));
        int files = 0, hdus = 0, keys = 0;
        long pixels = 0;
        double maxVsAstropy = 0;
        foreach (var entry in manifest.GetProperty("files").EnumerateArray())
        {
            string name = entry.GetProperty("file").GetString()!;
            using var f = FitsFile.Open(tmp.File(name));
            files++;
            foreach (var h in entry.GetProperty("hdus").EnumerateArray())
            {
                var image = f.ReadImage(f.Hdus[h.GetProperty("index").GetInt32()]);
                var shape = h.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).Reverse().ToArray();
                Assert.Equal(shape, shape.Length == 3 ? [image.Width, image.Height, image.Planes] : new[] { image.Width, image.Height });
                var expected = ReadF32(tmp.File(h.GetProperty("expected").GetString()!));
                var astropy = ReadF32(tmp.File(h.GetProperty("astropy").GetString()!));
                Assert.Equal(expected.Length, image.Data.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    // Bit for bit with the correctly rounded physical value (NaN for BLANK and NaN pixels).
                    if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(image.Data[i])
                        && !(float.IsNaN(expected[i]) && float.IsNaN(image.Data[i])))
                        Assert.Fail($"{name} HDU {h.GetProperty("index")}: pixel {i} is {image.Data[i]:R}, astropy's raw × BSCALE + BZERO "
                                    + $"{expected[i]:R}");
                    Assert.Equal(float.IsNaN(astropy[i]), float.IsNaN(image.Data[i]));
                    if (!float.IsNaN(astropy[i]))
                    {
                        double relative = Math.Abs((double)astropy[i] - image.Data[i]) / Math.Max(1, Math.Abs(astropy[i]));
                        maxVsAstropy = Math.Max(maxVsAstropy, relative);
                    }
                }
                hdus++;
                pixels += expected.Length;
            }
            foreach (var k in entry.GetProperty("keys").EnumerateObject())
            {
                var header = f.Hdus[0].Header;
                string want = k.Value.GetString()!;
                Assert.True(header.TryGetString(k.Name, out string got), $"{name}: no {k.Name}");
                if (header[k.Name]!.IsString) Assert.Equal(want, got);
                else Assert.Equal(double.Parse(want, CultureInfo.InvariantCulture), header.GetDouble(k.Name, name));
                keys++;
            }
        }
        Assert.True(files >= 30, $"only {files} files");
        PythonPeer.Report(output, "FITS read (astropy-written)",
            $"{files} files, {hdus} image HDUs, {pixels} pixels bit-exact with raw×BSCALE+BZERO; {keys} header values equal; "
            + $"max relative difference from astropy's own scaled read {maxVsAstropy:G3} (astropy scales 8/16-bit data in float32)");
    }

    [Fact]
    public void Files_written_by_the_engine_pass_astropy_verify_and_fitsverify_and_read_back_equal()
    {
        using var tmp = new TempDir();
        var rng = new Random(Seed);
        var written = new Dictionary<string, List<float[]>>(); // file → each image HDU's values, in order
        var tables = new Dictionary<string, FitsTableColumn[]>();
        const int w = 19, h = 13;

        // Exactly representable values for each pixel type, so astropy's physical values must equal them.
        float[] Values(FitsPixelType type, int n, double bscale, double bzero)
        {
            var v = new float[n];
            for (int i = 0; i < n; i++)
            {
                v[i] = type switch
                {
                    FitsPixelType.Float32 or FitsPixelType.Float64 => (float)(rng.NextDouble() * 2e3 - 1e3),
                    FitsPixelType.UInt8 => (float)(rng.Next(0, 255) * bscale + bzero),
                    FitsPixelType.Int16 => (float)(rng.Next(-30000, 30000) * bscale + bzero),
                    _ => (float)(rng.Next(-1 << 23, 1 << 23) * bscale + bzero),
                };
                if (i % 17 == 5) v[i] = float.NaN; // NaN, or BLANK for the integer types
            }
            return v;
        }
        var header = new List<FitsCard>
        {
            FitsCard.Of("OBJECT", "NGC 1234"),
            FitsCard.Of("LONGSTR", string.Concat(Enumerable.Repeat("a value longer than one card, written with CONTINUE; ", 4)).Trim()),
            FitsCard.Of("QUOTED", "it's quoted"),
            FitsCard.Of("FPA.ZP", 25.0, "a HIERARCH card"),
            FitsCard.Of("EXPTIME", 600.5),
            FitsCard.Of("NFRAMES", 12L),
            FitsCard.Of("FLAG", true),
            FitsCard.Commentary("HISTORY", "written by the engine for the conformance suite"),
        };
        foreach (var (type, bscale, bzero) in new[]
                 {
                     (FitsPixelType.Float32, 1.0, 0.0), (FitsPixelType.Float64, 1.0, 0.0), (FitsPixelType.UInt8, 0.5, -20.0),
                     (FitsPixelType.Int16, 0.25, 10.0), (FitsPixelType.Int32, 1.0, 0.0), (FitsPixelType.Int32, 0.125, -3.0),
                 })
        {
            string name = $"w_{type}_{bscale:G}_{bzero:G}.fits".ToLowerInvariant();
            var v = Values(type, w * h, bscale, bzero);
            FitsWriter.WriteFile(tmp.File(name), f => f.WriteImage(v, w, h, 1, header, type, bscale, bzero));
            written[name] = [v];
        }
        {
            // Primary image, IMAGE-extension cube, BINTABLE with every column type the writer knows.
            var primary = Values(FitsPixelType.Float32, w * h, 1, 0);
            var cube = Values(FitsPixelType.Int16, w * h * 3, 0.5, 0);
            const int rows = 11;
            var columns = new[]
            {
                new FitsTableColumn("F32", 'E', 3, Enumerable.Range(0, rows * 3).Select(_ => (float)rng.NextDouble()).ToArray(), "mag"),
                new FitsTableColumn("F64", 'D', 1, Enumerable.Range(0, rows).Select(_ => rng.NextDouble() * 1e10).ToArray()),
                new FitsTableColumn("I32", 'J', 1, Enumerable.Range(0, rows).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray()),
                new FitsTableColumn("I64", 'K', 2,
                    Enumerable.Range(0, rows * 2).Select(_ => rng.NextInt64(long.MinValue, long.MaxValue)).ToArray()),
                new FitsTableColumn("I16", 'I', 1,
                    Enumerable.Range(0, rows).Select(_ => (short)rng.Next(short.MinValue, short.MaxValue)).ToArray()),
                new FitsTableColumn("U8", 'B', 1, Enumerable.Range(0, rows).Select(_ => (byte)rng.Next(0, 256)).ToArray()),
                new FitsTableColumn("FLAG", 'L', 1, Enumerable.Range(0, rows).Select(_ => rng.Next(2) == 1).ToArray()),
                new FitsTableColumn("NAME", 'A', 12, Enumerable.Range(0, rows).Select(i => $"src-{i}-{rng.Next(1000)}").ToArray()),
            };
            FitsWriter.WriteFile(tmp.File("w_mixed.fits"), f =>
            {
                f.WriteImage(primary, w, h, 1, header);
                f.WriteImage(cube, w, h, 3, [FitsCard.Of("EXTNAME", "CUBE")], FitsPixelType.Int16, 0.5, 0);
                f.WriteTable(columns, null, "CAT");
            });
            written["w_mixed.fits"] = [primary, cube];
            tables["w_mixed.fits"] = columns;
        }
        {
            var map = new Engine.Dust.HealpixMap(8, Engine.Sky.HealpixOrdering.Nested,
                Enumerable.Range(0, 768).Select(_ => (float)rng.NextDouble()).ToArray());
            map.Write(tmp.File("w_healpix.fits"), "EBV", "MAP");
            written["w_healpix.fits"] = [];
            tables["w_healpix.fits"] = [new FitsTableColumn("EBV", 'E', 1, map.Values)];
        }

        var peer = PythonPeer.Run("fits_write.py", tmp.Path);
        int files = 0, hdus = 0, cells = 0;
        foreach (var (name, images) in written)
        {
            var r = peer.GetProperty(name);
            Assert.True(r.GetProperty("verify").GetString() == "ok", $"{name}: astropy verify('exception'): {r.GetProperty("verify")}");
            var fv = r.GetProperty("fitsverify");
            Assert.True(fv.GetProperty("errors").GetInt32() == 0, $"{name}: fitsverify:\n{fv.GetProperty("text")}");
            Assert.True(fv.GetProperty("warnings").GetInt32() == 0,
                $"{name}: fitsverify warns: {string.Join(" | ", fv.GetProperty("warning_lines").EnumerateArray())}");
            var peerHdus = r.GetProperty("hdus").EnumerateArray().ToList();
            var imageHdus = peerHdus.Where(x => x.TryGetProperty("data", out _)).ToList();
            Assert.Equal(images.Count, imageHdus.Count);
            for (int k = 0; k < images.Count; k++)
            {
                var back = ReadF32(tmp.File(imageHdus[k].GetProperty("data").GetString()!));
                Assert.Equal(images[k].Length, back.Length);
                for (int i = 0; i < back.Length; i++)
                    if (!(float.IsNaN(images[k][i]) && float.IsNaN(back[i])))
                        Assert.True(images[k][i] == back[i], $"{name} HDU {k}: pixel {i} wrote {images[k][i]:R}, astropy read {back[i]:R}");
                hdus++;
            }
            if (tables.TryGetValue(name, out var cols))
            {
                var t = peerHdus.Single(x => x.TryGetProperty("columns", out _)).GetProperty("columns");
                foreach (var c in cols)
                {
                    var got = t.GetProperty(c.Name).EnumerateArray().ToList();
                    Assert.Equal(c.Values.Length, got.Count);
                    for (int i = 0; i < got.Count; i++, cells++)
                    {
                        object? want = c.Values.GetValue(i);
                        switch (want)
                        {
                            case float f: Assert.Equal(f, (float)got[i].GetDouble()); break;
                            case double d: Assert.Equal(d, got[i].GetDouble()); break;
                            case bool b: Assert.Equal(b, got[i].GetBoolean()); break;
                            case string s: Assert.Equal(s, got[i].GetString()); break;
                            default: Assert.Equal(Convert.ToInt64(want, CultureInfo.InvariantCulture), got[i].GetInt64()); break;
                        }
                    }
                }
            }
            if (name != "w_healpix.fits")
            {
                var hd = r.GetProperty("header");
                foreach (var c in header.Where(c => !c.IsCommentary))
                {
                    string got = hd.GetProperty(c.Keyword).GetString()!;
                    if (c.IsString) Assert.Equal(c.Value, got);
                    else if (c.Value is "T" or "F") Assert.Equal(c.Value == "T" ? "True" : "False", got);
                    else Assert.Equal(double.Parse(c.Value!, CultureInfo.InvariantCulture),
                        double.Parse(got, CultureInfo.InvariantCulture));
                }
                Assert.Contains("written by the engine for the conformance suite",
                    r.GetProperty("history").EnumerateArray().Select(x => x.GetString()));
            }
            files++;
        }
        PythonPeer.Report(output, "FITS write (engine-written)",
            $"{files} files pass astropy verify('exception') and fitsverify with 0 errors and 0 warnings; "
            + $"{hdus} image HDUs and {cells} table cells read back by astropy equal to what was written; header values equal");
    }

    private static float[] ReadF32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the peer writes little-endian float32");
        return values;
    }
}
