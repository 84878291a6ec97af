using MantisShrimp.Engine.Fits;
using static MantisShrimp.Engine.Tests.FitsBytes;

namespace MantisShrimp.Engine.Tests;

public class FitsReaderTests
{
    private static FitsImage ReadImage(byte[] bytes)
    {
        using var f = FitsFile.Open(new MemoryStream(bytes), "fixture.fits");
        return f.ReadImage(f.FirstImageHdu());
    }

    private static FitsFormatException Bad(byte[] bytes)
    {
        return Assert.Throws<FitsFormatException>(() =>
        {
            using var f = FitsFile.Open(new MemoryStream(bytes), "bad.fits");
            f.ReadImage(f.FirstImageHdu());
        });
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(-32)]
    [InlineData(-64)]
    public void Reads_every_bitpix_in_fits_order(int bitpix)
    {
        // 3 columns × 2 rows: value = 10·y + x (+ a fraction for floats) so order and type are both checked.
        double frac = bitpix < 0 ? 0.25 : 0;
        var values = Enumerable.Range(0, 6).Select(i => 10.0 * (i / 3) + i % 3 + frac).ToArray();
        var img = ReadImage(Image(bitpix, [3, 2], values));
        Assert.Equal((3, 2, 1), (img.Width, img.Height, img.Planes));
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                Assert.Equal(10 * y + x + frac, img[x, y], 6);
    }

    [Fact]
    public void Applies_bscale_bzero_and_blank()
    {
        var stored = new double[] { -32768, 0, 100, -1 };
        var img = ReadImage(Image(16, [4, 1], stored,
            Card("BSCALE", "0.5"), Card("BZERO", "32768.0"), Card("BLANK", "-1")));
        Assert.Equal(-32768 * 0.5 + 32768, img.Data[0]);
        Assert.Equal(32768f, img.Data[1]);
        Assert.Equal(32818f, img.Data[2]);
        Assert.True(float.IsNaN(img.Data[3]));
    }

    [Fact]
    public void Unsigned_16_bit_convention_via_bzero()
    {
        var img = ReadImage(Image(16, [2, 1], [-32768, 32767], Card("BZERO", "32768")));
        Assert.Equal([0f, 65535f], img.Data);
    }

    [Fact]
    public void Blank_is_ignored_for_float_data_and_nan_kept()
    {
        var img = ReadImage(Image(-32, [2, 1], [double.NaN, 5], Card("BLANK", "5")));
        Assert.True(float.IsNaN(img.Data[0]));
        Assert.Equal(5f, img.Data[1]);
    }

    [Fact]
    public void Reads_cube_planes()
    {
        var values = Enumerable.Range(0, 2 * 3 * 4).Select(i => (double)i).ToArray();
        var img = ReadImage(Image(-32, [4, 3, 2], values));
        Assert.Equal(2, img.Planes);
        Assert.Equal(12f + 4 * 2 + 3, img[3, 2, 1]);
        var plane1 = img.Plane(1);
        Assert.Equal(3, plane1.Height);
        Assert.Equal(4, plane1.Width);
        Assert.Equal(12f + 4 + 1, plane1[1, 1]);
    }

    [Fact]
    public void Image_extension_after_empty_primary()
    {
        var bytes = new FitsBytes()
            .Add(Card("SIMPLE", "T")).Int("BITPIX", 8).Int("NAXIS", 0).Add(Card("EXTEND", "T")).Data([])
            .Add(StrCard("XTENSION", "IMAGE")).Int("BITPIX", -32).Int("NAXIS", 2).Int("NAXIS1", 2).Int("NAXIS2", 2)
            .Int("PCOUNT", 0).Int("GCOUNT", 1).Str("EXTNAME", "SCI").Data(BigEndian(-32, [1, 2, 3, 4]))
            .ToArray();
        using var f = FitsFile.Open(new MemoryStream(bytes), "ext.fits");
        Assert.Equal(2, f.Hdus.Count);
        Assert.Equal("SCI", f.Hdu("sci").Name);
        Assert.Equal([1f, 2, 3, 4], f.ReadImage(f.FirstImageHdu()).Data);
    }

    [Fact]
    public void Header_cards_continue_comment_history_hierarch_and_quoted_nan()
    {
        var bytes = new FitsBytes()
            .Add(Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", 2).Int("NAXIS1", 1).Int("NAXIS2", 1)
            .Add(Raw("LONGSTR = 'This is a long string value that is continued on the next card&'"))
            .Add(Raw("CONTINUE  ' and it ends here.' / the comment"))
            .Add(Raw("COMMENT   first comment"), Raw("HISTORY   made by hand"), Raw("COMMENT   second comment"))
            .Add(Raw("HIERARCH FPA.ZP = 25. / zero point"))
            .Add(Raw("HIERARCH FPA.FOCUS = 'NaN     ' / Telescope focus"))
            .Add(Raw("QUOTE   = 'it''s'"))
            .Add(Card("DEXP", "1.5D+02"))
            .Add(Card("FLAG", "F"))
            .Data(BigEndian(-32, [7])).ToArray();
        var h = ReadImage(bytes).Header;
        Assert.Equal("This is a long string value that is continued on the next card and it ends here.", h.GetStringOrNull("LONGSTR"));
        Assert.Equal(["first comment", "second comment"], h.Comments);
        Assert.Equal(["made by hand"], h.History);
        Assert.Equal(25.0, h.GetDouble("FPA.ZP", "x"));
        Assert.True(h.TryGetDouble("FPA.FOCUS", out double focus) && double.IsNaN(focus));
        Assert.Equal("it's", h.GetStringOrNull("QUOTE"));
        Assert.Equal(150.0, h.GetDouble("DEXP", "x"));
        Assert.True(h.TryGetBool("FLAG", out bool flag) && !flag);
    }

    [Fact]
    public void Binary_table_columns_with_scaling_nulls_and_repeat()
    {
        // Columns: ID 8A, V 1E, C 2J (TZERO 10, TNULL -1), L 1L.
        var row = new List<byte>();
        void AddRow(string id, float v, int c0, int c1, char l)
        {
            row.AddRange(System.Text.Encoding.ASCII.GetBytes(id.PadRight(8)));
            row.AddRange(BigEndian(-32, [v]));
            row.AddRange(BigEndian(32, [c0, c1]));
            row.Add((byte)l);
        }
        AddRow("a", 1.5f, 1, -1, 'T');
        AddRow("bb", -2f, 3, 4, 'F');
        var bytes = new FitsBytes()
            .Add(Card("SIMPLE", "T")).Int("BITPIX", 8).Int("NAXIS", 0).Data([])
            .Add(StrCard("XTENSION", "BINTABLE")).Int("BITPIX", 8).Int("NAXIS", 2).Int("NAXIS1", 21).Int("NAXIS2", 2)
            .Int("PCOUNT", 0).Int("GCOUNT", 1).Int("TFIELDS", 4)
            .Str("TTYPE1", "ID").Str("TFORM1", "8A").Str("TTYPE2", "V").Str("TFORM2", "E")
            .Str("TTYPE3", "C").Str("TFORM3", "2J").Add(Card("TZERO3", "10")).Int("TNULL3", -1)
            .Str("TTYPE4", "L").Str("TFORM4", "1L").Str("EXTNAME", "T")
            .Data(row.ToArray()).ToArray();
        using var f = FitsFile.Open(new MemoryStream(bytes), "table.fits");
        var t = f.ReadFirstTable();
        Assert.Equal(2, t.RowCount);
        Assert.Equal(["a", "bb"], t.ReadStrings("ID"));
        Assert.Equal([1.5, -2.0], t.ReadDoubles("v"));
        var c = t.ReadDoubles("C");
        Assert.Equal(11, c[0]);
        Assert.True(double.IsNaN(c[1]));
        Assert.Equal([13.0, 14.0], c[2..]);
        Assert.Equal([1.0, 0.0], t.ReadDoubles("L"));
        var e = Assert.Throws<FitsFormatException>(() => t.ReadDoubles("nope"));
        Assert.Contains("no column named nope", e.Message);
    }

    // ---- bad input: always a FitsFormatException naming the file and the problem ----

    [Fact]
    public void Truncated_data_is_an_error()
    {
        var bytes = Image(-32, [10, 10], Enumerable.Repeat(1.0, 100));
        var e = Bad(bytes[..(2880 + 200)]);
        Assert.Contains("bad.fits", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Missing_final_padding_is_accepted_when_data_are_complete()
    {
        var bytes = Image(-32, [10, 10], Enumerable.Repeat(2.0, 100));
        var img = ReadImage(bytes[..(2880 + 400)]);
        Assert.All(img.Data, v => Assert.Equal(2f, v));
    }

    [Fact]
    public void Trailing_zero_blocks_after_the_last_hdu_are_accepted()
    {
        // astropy reads a file with an all-zero 2880-byte block after the last HDU (peer-checked in the conformance suite).
        var bytes = Image(-32, [10, 10], Enumerable.Repeat(3.0, 100));
        foreach (int blocks in new[] { 1, 2 })
        {
            var img = ReadImage([.. bytes, .. new byte[2880 * blocks]]);
            Assert.All(img.Data, v => Assert.Equal(3f, v));
        }
    }

    [Fact]
    public void A_zero_block_followed_by_other_bytes_is_an_error()
    {
        var bytes = Image(-32, [10, 10], Enumerable.Repeat(3.0, 100));
        var junk = new byte[2880 * 2];
        junk[2880 + 5] = 42;
        Assert.Contains("padding block", Bad([.. bytes, .. junk]).Message);
    }

    [Fact]
    public void Missing_end_card_is_an_error()
    {
        var bytes = new FitsBytes().Add(Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", 2).Int("NAXIS1", 2).Int("NAXIS2", 2)
            .Data(BigEndian(-32, [1, 2, 3, 4]), end: false).ToArray();
        var e = Bad(bytes);
        Assert.Contains("END", e.Message);
    }

    [Fact]
    public void Naxis_mismatch_is_an_error()
    {
        var missing = new FitsBytes().Add(Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", 3).Int("NAXIS1", 2).Int("NAXIS2", 2)
            .Data(BigEndian(-32, [1, 2, 3, 4])).ToArray();
        Assert.Contains("NAXIS3 is missing", Bad(missing).Message);
        var extra = new FitsBytes().Add(Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", 1).Int("NAXIS1", 4).Int("NAXIS2", 2)
            .Data(BigEndian(-32, [1, 2, 3, 4])).ToArray();
        Assert.Contains("NAXIS mismatch", Bad(extra).Message);
        var negative = new FitsBytes().Add(Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", 2).Int("NAXIS1", -2).Int("NAXIS2", 2)
            .Data(BigEndian(-32, [1, 2, 3, 4])).ToArray();
        Assert.Contains("negative", Bad(negative).Message);
    }

    [Fact]
    public void Unknown_bitpix_is_an_error()
    {
        var e = Bad(new FitsBytes().Add(Card("SIMPLE", "T")).Int("BITPIX", 12).Int("NAXIS", 2).Int("NAXIS1", 2).Int("NAXIS2", 2)
            .Data(new byte[6]).ToArray());
        Assert.Contains("unknown BITPIX 12", e.Message);
    }

    [Theory]
    [InlineData("PNG")]
    [InlineData("empty")]
    [InlineData("short")]
    [InlineData("binary")]
    public void Non_fits_bytes_are_an_error(string kind)
    {
        byte[] bytes = kind switch
        {
            "PNG" => [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, .. new byte[3000]],
            "empty" => [],
            "short" => "SIMPLE  =                    T"u8.ToArray(),
            _ => Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 256)).ToArray(),
        };
        var e = Bad(bytes);
        Assert.Contains("bad.fits", e.Message);
    }

    [Fact]
    public void Simple_false_and_non_ascii_headers_are_errors()
    {
        Assert.Contains("SIMPLE = F", Bad(new FitsBytes().Add(Card("SIMPLE", "F")).Int("BITPIX", 8).Int("NAXIS",
            0).Data([]).ToArray()).Message);
        var bytes = Image(-32, [1, 1], [1]);
        bytes[85] = 0xC3; // inside the second card
        Assert.Contains("non-ASCII", Bad(bytes).Message);
    }

    [Fact]
    public void Unterminated_string_is_an_error()
    {
        var bytes = new FitsBytes().Add(Card("SIMPLE", "T")).Int("BITPIX", -32).Int("NAXIS", 2).Int("NAXIS1", 1).Int("NAXIS2", 1)
            .Add(Raw("OBJECT  = 'no closing quote")).Data(BigEndian(-32, [1])).ToArray();
        Assert.Contains("unterminated string", Bad(bytes).Message);
    }

    [Fact]
    public void Huge_declared_size_is_an_error_not_a_hang_or_allocation()
    {
        var bytes = new FitsBytes().Add(Card("SIMPLE", "T")).Int("BITPIX", -64).Int("NAXIS", 3)
            .Int("NAXIS1", 2_000_000_000).Int("NAXIS2", 2_000_000_000).Int("NAXIS3", 2_000_000_000).Data([]).ToArray();
        Assert.Contains("bad.fits", Bad(bytes).Message);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.ReadFirstImage("/nonexistent/x.fits"));
        Assert.Contains("/nonexistent/x.fits", e.Message);
    }
}
