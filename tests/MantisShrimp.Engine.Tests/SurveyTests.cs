using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Tests;

public class SurveyTests
{
    [Fact]
    public void Nine_bands_in_model_order()
    {
        Assert.Equal(["FUV", "NUV", "g", "r", "i", "z", "y", "W1", "W2"], BandCatalog.All.Select(b => b.Name));
        Assert.Equal(Enumerable.Range(0, 9), BandCatalog.All.Select(b => b.Channel));
        Assert.Equal(4 * 32 * 32 + 5 * 170 * 170, BandCatalog.NativePixelsPerSample);
        Assert.Equal(2 * 32 * 32, BandCatalog.NativePixelOffset(Band.g));
        Assert.Equal(2 * 32 * 32 + 5 * 170 * 170, BandCatalog.NativePixelOffset(Band.W1));
    }

    [Fact]
    public void Files_planes_and_geometry_follow_the_services()
    {
        Assert.Equal("x.Galex.fits", BandCatalog.Get(Band.FUV).FileName("x"));
        Assert.Equal("x.r.fits", BandCatalog.Get(Band.r).FileName("x"));
        Assert.Equal("x.Unwise.fits", BandCatalog.Get(Band.W2).FileName("x"));
        Assert.Equal((0, "n"), (BandCatalog.Get(Band.NUV).CubePlane, BandCatalog.Get(Band.NUV).CubeBandCode));
        Assert.Equal((1, "f"), (BandCatalog.Get(Band.FUV).CubePlane, BandCatalog.Get(Band.FUV).CubeBandCode));
        Assert.Equal((0, "1"), (BandCatalog.Get(Band.W1).CubePlane, BandCatalog.Get(Band.W1).CubeBandCode));
        Assert.Equal((1.5, 32, 22), (BandCatalog.Galex.PixelScaleArcsec, BandCatalog.Galex.NativeSize, BandCatalog.Galex.CropSize));
        Assert.Equal((0.25, 170, 120), (BandCatalog.PanStarrs.PixelScaleArcsec, BandCatalog.PanStarrs.NativeSize,
            BandCatalog.PanStarrs.CropSize));
        Assert.Equal((2.75, 32, 22), (BandCatalog.Unwise.PixelScaleArcsec, BandCatalog.Unwise.NativeSize, BandCatalog.Unwise.CropSize));
    }

    [Fact]
    public void Zero_points()
    {
        Assert.Equal(18.82, BandCatalog.Get(Band.FUV).ZeroPoint());
        Assert.Equal(20.08, BandCatalog.Get(Band.NUV).ZeroPoint());
        Assert.Equal(25 + 2.5 * Math.Log10(860), BandCatalog.Get(Band.g).ZeroPoint(860), 12);
        Assert.Throws<ArgumentException>(() => BandCatalog.Get(Band.g).ZeroPoint());
        Assert.Equal(22.5 + 2.699, BandCatalog.Get(Band.W1).ZeroPoint(), 12);
        Assert.Equal(22.5 + 3.339, BandCatalog.Get(Band.W2).ZeroPoint(), 12);
        // A 1 nanomaggy W1 source: 22.5 Vega = 25.199 AB.
        Assert.Equal(25.199, BandCatalog.Get(Band.W1).AbMagnitude(1.0), 9);
        Assert.True(double.IsPositiveInfinity(BandCatalog.Get(Band.W1).AbMagnitude(0)));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.01f)]
    [InlineData(-3f)]
    [InlineData(12.5f)]
    [InlineData(1e6f)]
    public void Reference_intensity_transforms(float x)
    {
        Assert.Equal(Math.Clamp(x / 0.05f, 0, 1), BandCatalog.Galex.Transform.Apply(x), 6);
        Assert.Equal(Math.Max(MathF.Asinh(0.08f * x) / 8f, 0), BandCatalog.PanStarrs.Transform.Apply(x), 5);
        Assert.Equal(Math.Max(MathF.Asinh(0.6f * x) / 6f, 0), BandCatalog.Unwise.Transform.Apply(x), 5);
        Assert.Equal(0f, BandCatalog.PanStarrs.Transform.Apply(float.NaN));
    }

    [Fact]
    public void Band_names_parse()
    {
        Assert.Equal(Band.W1, BandCatalog.Parse("w1").Band);
        Assert.Equal(Band.z, BandCatalog.Parse("z").Band);
        Assert.Throws<ArgumentException>(() => BandCatalog.Parse("Q"));
    }
}
