using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Engine.Tests;

public class FitsWriterTests
{
    [Theory]
    [InlineData(FitsPixelType.Float32, 1.0, 0.0)]
    [InlineData(FitsPixelType.Float64, 1.0, 0.0)]
    [InlineData(FitsPixelType.Int16, 0.01, 100.0)]
    [InlineData(FitsPixelType.Int32, 0.001, 0.0)]
    [InlineData(FitsPixelType.UInt8, 0.5, -10.0)]
    public void Image_round_trip_per_pixel_type(FitsPixelType type, double bscale, double bzero)
    {
        var data = new float[] { -10f, 0f, 1.25f, 100f, float.NaN, 50.5f };
        var ms = new MemoryStream();
        using (var w = new FitsWriter(ms, leaveOpen: true))
            w.WriteImage(data, 3, 2, 1, [FitsCard.Of("OBJECT", "test")], type, bscale, bzero);
        Assert.Equal(0, ms.Length % 2880);
        ms.Position = 0;
        using var f = FitsFile.Open(ms, "rt.fits");
        var img = f.ReadImage(f.FirstImageHdu());
        Assert.Equal("test", img.Header.GetStringOrNull("OBJECT"));
        for (int i = 0; i < data.Length; i++)
        {
            if (float.IsNaN(data[i])) Assert.True(float.IsNaN(img.Data[i]), $"pixel {i} should be NaN/BLANK");
            else Assert.Equal(data[i], img.Data[i], (float)(bscale / 2 + 1e-6));
        }
    }

    [Fact]
    public void Cube_and_extension_and_long_strings_round_trip()
    {
        var cube = Enumerable.Range(0, 2 * 4 * 4).Select(i => (float)i).ToArray();
        string longText = string.Concat(Enumerable.Repeat("abc'def ", 30));
        var ms = new MemoryStream();
        using (var w = new FitsWriter(ms, leaveOpen: true))
        {
            w.WriteImage(cube, 4, 4, 2, [FitsCard.Of("LONG", longText), FitsCard.Commentary("HISTORY", "step one"),
                FitsCard.Of("HIERARCH.KEY.LONGNAME", 3.5)]);
            w.WriteImage(new float[] { 1, 2 }, 2, 1, 1, [FitsCard.Of("EXTNAME", "SECOND")]);
        }
        ms.Position = 0;
        using var f = FitsFile.Open(ms, "rt.fits");
        Assert.Equal(2, f.Hdus.Count);
        var img = f.ReadImage(f.Hdus[0]);
        Assert.Equal(cube, img.Data);
        Assert.Equal(longText.TrimEnd(), img.Header.GetStringOrNull("LONG"));
        Assert.Equal(["step one"], img.Header.History);
        Assert.Equal(3.5, img.Header.GetDouble("HIERARCH.KEY.LONGNAME", "x"));
        Assert.Equal([1f, 2f], f.ReadImage(f.Hdu("SECOND")).Data);
    }

    [Fact]
    public void Table_round_trip()
    {
        var ms = new MemoryStream();
        var big = Enumerable.Range(0, 50_000).Select(i => (float)Math.Sin(i)).ToArray();
        using (var w = new FitsWriter(ms, leaveOpen: true))
        {
            w.WriteTable([
                new FitsTableColumn("NAME", 'A', 6, new[] { "x", "yy", "zzz" }),
                new FitsTableColumn("D", 'D', 1, new[] { 1.5, -2.25, 1e300 }),
                new FitsTableColumn("K", 'K', 2, new long[] { 1, 2, 3, 4, 5, long.MaxValue }),
                new FitsTableColumn("L", 'L', 1, new[] { true, false, true }),
            ], [FitsCard.Of("ORDERING", "RING")], extname: "SMALL");
            w.WriteTable([new FitsTableColumn("T", 'E', 1, big)], extname: "BIG");
        }
        ms.Position = 0;
        using var f = FitsFile.Open(ms, "t.fits");
        var t = f.ReadTable(f.Hdu("SMALL"));
        Assert.Equal("RING", t.Header.GetStringOrNull("ORDERING"));
        Assert.Equal(["x", "yy", "zzz"], t.ReadStrings("NAME"));
        Assert.Equal([1.5, -2.25, 1e300], t.ReadDoubles("D"));
        Assert.Equal(6, t.ReadDoubles("K").Length);
        Assert.Equal([1.0, 0.0, 1.0], t.ReadDoubles("L"));
        Assert.Equal(big, f.ReadTable(f.Hdu("BIG")).ReadSingles("T"));
    }

    [Fact]
    public void Refuses_non_finite_header_values_and_bad_text()
    {
        Assert.Throws<ArgumentException>(() => FitsCard.Of("X", double.NaN));
        Assert.Throws<ArgumentException>(() => FitsCard.Of("X", "tab\there").Format().ToList());
    }
}
