using MantisShrimp.Engine.Fits;
using static MantisShrimp.Engine.Tests.FitsBytes;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// The pooled, in-place <see cref="FitsImageReader"/> against <see cref="FitsFile"/> (itself compared with astropy in
/// the conformance suite): on valid files, seeded corruptions of them and the real service cutouts, both must give the
/// same error message, or the same pixels bit for bit and the same value for every keyword of the image header.
/// </summary>
public class FitsImageReaderTests
{
    /// <summary>Files covering what the reader handles: every BITPIX, scaling, BLANK, cubes, extensions, HIERARCH, CONTINUE,
    /// escapes.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> Corpus()
    {
        double[] ramp = Enumerable.Range(0, 12).Select(i => (double)(i * 7 % 11) - 3).ToArray();
        foreach (int bitpix in new[] { 8, 16, 32, 64, -32, -64 })
        {
            var stored = bitpix == 8 ? ramp.Select(v => v + 3) : ramp;
            yield return ($"bitpix{bitpix}", Image(bitpix, [4, 3], stored));
            if (bitpix > 0)
                yield return ($"scaled{bitpix}",
                    Image(bitpix, [4, 3], stored, Card("BSCALE", "2.5D0"), Card("BZERO", "-1.25"), Card("BLANK", "4")));
        }
        yield return ("nan-blank-float", Image(-32, [2, 2], [1, double.NaN, 3, 4], Card("BLANK", "3")));
        yield return ("cube", Image(-32, [3, 2, 2], Enumerable.Range(0, 12).Select(i => (double)i)));
        yield return ("cards", new FitsBytes()
            .Add(Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", 2).Int("NAXIS1", 2).Int("NAXIS2", 1)
            .Add(Raw("COMMENT   = not a value"), Raw("HISTORY   made by hand"), Raw("        blank keyword"))
            .Add(Raw("HIERARCH FPA.ZP = 25. / zero point"), Raw("HIERARCH FPA.FOCUS = 'NaN     ' / focus"), Raw("HIERARCH NOEQUALS here"))
            .Add(Raw("QUOTE   = 'it''s  ' / escaped"), Raw("EMPTYSTR= ''"), Raw("NOVALUE =   / nothing"), Raw("NOVALUE = 12"))
            .Add(Card("DEXP", "1.5D+02"), Card("FLAG", "F"), Card("TRUE", "T"), Card("EXPTIME", "600."), Card("EXPTIME", "1."))
            .Add(Raw("SIGNED  = -17"), Raw("QNUM    = '  3.25  '"), Raw("CTYPE1  = 'RA---TAN'"), Raw("SLASH   = 'a/b' / c"))
            .Data(BigEndian(-32, [7, 8])).ToArray());
        yield return ("continue", new FitsBytes()
            .Add(Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", 2).Int("NAXIS1", 1).Int("NAXIS2", 1)
            .Add(Raw("LONGSTR = 'a long string value that is continued on the next card&'"), Raw("CONTINUE  ' and ends here.'"))
            .Data(BigEndian(-32, [7])).ToArray());
        yield return ("extension", new FitsBytes()
            .Add(Card("SIMPLE", "T")).Int("BITPIX", 8).Int("NAXIS", 0).Add(Card("EXTEND", "T")).Data([])
            .Add(StrCard("XTENSION", "IMAGE")).Int("BITPIX", -32).Int("NAXIS", 2).Int("NAXIS1", 2).Int("NAXIS2", 2)
            .Int("PCOUNT", 0).Int("GCOUNT", 1).Str("EXTNAME", "SCI").Data(BigEndian(-32, [1, 2, 3, 4]))
            .Add(StrCard("XTENSION", "IMAGE")).Int("BITPIX", 16).Int("NAXIS", 1).Int("NAXIS1", 3)
            .Int("PCOUNT", 0).Int("GCOUNT", 1).Data(BigEndian(16, [5, 6, 7]))
            .ToArray());
        var written = new MemoryStream();
        using (var w = new FitsWriter(written, leaveOpen: true))
            w.WriteImage(Enumerable.Range(0, 170 * 170).Select(i => (float)Math.Sin(i)).ToArray(), 170, 170, cards:
            [
                FitsCard.Of("EXPTIME", 600.0), FitsCard.Of("FPA.ZP", 25.0), FitsCard.Of("BANDS", "nf"),
            ]);
        yield return ("writer-170", written.ToArray());
        var longString = new MemoryStream();
        using (var w = new FitsWriter(longString, leaveOpen: true))
            w.WriteImage([1f, 2f], 2, 1, cards: [FitsCard.Of("LONGKEY", new string('x', 100) + "''y")]);
        yield return ("writer-continue", longString.ToArray());
        yield return ("padded-trailing-zeros", [.. Image(-32, [2, 2], [1, 2, 3, 4]), .. new byte[2 * 2880]]);
        yield return ("missing-final-padding", Image(-32, [2, 2], [1, 2, 3, 4])[..(2880 + 16)]);
    }

    /// <summary>The corpus and seeded corruptions of it: byte changes in the headers, truncations, appended blocks.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> CorruptedCorpus(int perFile)
    {
        var rng = new Random(20260107);
        byte[] alphabet = "=' /&0123456789.-+DETFNaXSIMPLEBITPIXNAXISEND \0\u00ff"u8.ToArray();
        foreach (var (name, bytes) in Corpus())
        {
            yield return (name, bytes);
            for (int m = 0; m < perFile; m++)
            {
                var b = (byte[])bytes.Clone();
                switch (rng.Next(4))
                {
                    case 0 or 1: // a few bytes of the first header(s)
                        for (int k = rng.Next(1, 4); k > 0; k--) b[rng.Next(Math.Min(b.Length, 2 * 2880))] =
                            alphabet[rng.Next(alphabet.Length)];
                        break;
                    case 2:
                        b = b[..rng.Next(b.Length)];
                        break;
                    default:
                        var tail = new byte[rng.Next(1, 3 * 2880)];
                        if (rng.Next(2) == 0) rng.NextBytes(tail); else Array.Fill(tail, rng.Next(2) == 0 ? (byte)0 : (byte)' ');
                        b = [.. b, .. tail];
                        break;
                }
                yield return ($"{name}/mutation{m}", b);
            }
        }
    }

    [Fact]
    public void Gives_the_same_pixels_keywords_and_errors_as_FitsFile()
    {
        using var reader = new FitsImageReader();
        int fast = 0, failures = 0;
        foreach (var (name, bytes) in CorruptedCorpus(perFile: 60))
        {
            AssertSameOutcome(reader, name, bytes);
            if (!reader.UsedFallback) fast++;
            failures += Outcome(name, bytes) is string ? 1 : 0;
        }
        // Both kinds of outcome are exercised, and the fast path takes the valid files (not everything falls back).
        Assert.InRange(failures, 100, 10_000);
        Assert.InRange(fast, 100, 10_000);
    }

    [Fact]
    public void Real_service_cutouts_read_the_same_as_FitsFile()
    {
        string dir = TestPaths.RealCutouts;
        using var reader = new FitsImageReader();
        var files = Directory.GetFiles(dir, "*.fits");
        Assert.NotEmpty(files);
        foreach (var path in files)
        {
            AssertSameOutcome(reader, path, File.ReadAllBytes(path));
            reader.Open(path); // and from the file itself
            Assert.False(reader.UsedFallback, path);
        }
    }

    [Fact]
    public void The_fast_path_reads_ordinary_files_and_hands_continue_strings_to_FitsFile()
    {
        using var reader = new FitsImageReader();
        var corpus = Corpus().ToDictionary(c => c.Name, c => c.Bytes);
        reader.Open(new MemoryStream(corpus["cards"]), "cards.fits");
        Assert.False(reader.UsedFallback);
        Assert.True(reader.TryGetDouble("EXPTIME", out double exptime) && exptime == 600); // the first card wins
        Assert.True(reader.TryGetStringSpan("QUOTE", out var quote) && quote.SequenceEqual("it's"));
        Assert.True(reader.TryGetLong("NOVALUE", out long novalue) && novalue == 12); // the empty one is not a value
        reader.Open(new MemoryStream(corpus["continue"]), "continue.fits");
        Assert.True(reader.UsedFallback);
        Assert.True(reader.TryGetStringSpan("LONGSTR", out var s) && s.EndsWith("and ends here."));
    }

    [Fact]
    public void A_steady_state_read_allocates_nothing()
    {
        var corpus = Corpus().ToDictionary(c => c.Name, c => c.Bytes);
        var streams = new[] { "writer-170", "scaled16", "cube", "extension",
            "cards" }.Select(n => new MemoryStream(corpus[n], writable: false)).ToArray();
        using var reader = new FitsImageReader();
        var destination = new float[170 * 170];
        double sum = 0;
        void ReadAll()
        {
            foreach (var s in streams)
            {
                reader.Open(s, "bench.fits");
                int n = reader.ReadPixels(destination, out _, out _, out _);
                sum += destination[n - 1] + reader.ReadPixels(out _, out _, out _)[0];
                if (reader.TryGetDouble("EXPTIME", out double t)) sum += t;
                if (reader.TryGetStringSpan("BANDS", out var bands)) sum += bands.Length;
                Assert.False(reader.UsedFallback);
            }
        }
        ReadAll(); // buffers grow to the largest file once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) ReadAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(double.IsFinite(sum));
    }

    [Fact]
    public void Reading_from_a_file_allocates_only_the_open_handle()
    {
        using var tmp = new TempDir();
        string path = tmp.File("cut.fits");
        File.WriteAllBytes(path, Corpus().First(c => c.Name == "writer-170").Bytes);
        using var reader = new FitsImageReader();
        var destination = new float[170 * 170];
        reader.Open(path);
        reader.ReadPixels(destination, out _, out _, out _);
        const int reads = 50;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < reads; i++)
        {
            reader.Open(path);
            reader.ReadPixels(destination, out _, out _, out _);
        }
        long perFile = (GC.GetAllocatedBytesForCurrentThread() - before) / reads;
        // The file handle object and the runtime's path handling; FitsFile allocated the file twice over (≈ 240 KB).
        Assert.InRange(perFile, 0, 1024);
    }

    /// <summary>FitsFile's outcome: its error message, or the image.</summary>
    private static object Outcome(string name, byte[] bytes)
    {
        try
        {
            using var f = FitsFile.Open(new MemoryStream(bytes, writable: false), name);
            var hdu = f.FirstImageHdu();
            return (hdu, f.ReadImage(hdu));
        }
        catch (FitsFormatException e)
        {
            return e.Message;
        }
    }

    private static void AssertSameOutcome(FitsImageReader reader, string name, byte[] bytes)
    {
        var expected = Outcome(name, bytes);
        string? error = null;
        float[]? pixels = null;
        (int W, int H, int P) shape = default;
        try
        {
            reader.Open(new MemoryStream(bytes, writable: false), name);
            pixels = reader.ReadPixels(out shape.W, out shape.H, out shape.P).ToArray();
        }
        catch (FitsFormatException e)
        {
            error = e.Message;
        }
        if (expected is string message)
        {
            Assert.True(message == error, $"{name}: FitsFile says '{message}', the reader '{error ?? "(read it)"}'");
            return;
        }
        Assert.True(error is null, $"{name}: FitsFile reads it, the reader says '{error}'");
        var (hdu, image) = ((FitsHdu, FitsImage))expected;
        Assert.Equal((image.Width, image.Height, image.Planes), shape);
        Assert.Equal(hdu.Axes.ToArray(), reader.Axes.ToArray());
        Assert.True(image.Data.AsSpan().SequenceEqual(pixels), $"{name}: pixels differ"); // bitwise: NaN payloads included
        foreach (var key in hdu.Header.Cards.Select(c => c.Keyword).Append("MISSING").Distinct())
        {
            var h = hdu.Header;
            Assert.True(h.Contains(key) == reader.Contains(key), $"{name}: Contains({key})");
            Assert.True(Same(h.TryGetDouble(key, out double d1), d1, reader.TryGetDouble(key, out double d2), d2),
                $"{name}: TryGetDouble({key})");
            Assert.True((h.TryGetLong(key, out long l1), l1) == (reader.TryGetLong(key, out long l2), l2), $"{name}: TryGetLong({key})");
            Assert.True((h.TryGetBool(key, out bool b1), b1) == (reader.TryGetBool(key, out bool b2), b2), $"{name}: TryGetBool({key})");
            bool s1 = h.TryGetString(key, out string v1);
            bool s2 = reader.TryGetStringSpan(key, out var v2);
            Assert.True(s1 == s2 && v1 == v2.ToString(), $"{name}: string value of {key}: '{v1}' vs '{v2}'");
        }
    }

    private static bool Same(bool found1, double v1, bool found2, double v2) =>
        found1 == found2 && BitConverter.DoubleToInt64Bits(v1) == BitConverter.DoubleToInt64Bits(v2);
}
