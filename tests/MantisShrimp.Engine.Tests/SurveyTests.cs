using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Tests;

public class SurveyTests
{
    [Fact]
    public void Nine_bands_in_model_order()
    {
        Assert.Equal(["FUV", "NUV", "g", "r", "i", "z", "y", "W1", "W2"], BandTable.All.Select(b => b.Name));
        Assert.Equal(Enumerable.Range(0, 9), BandTable.All.Select(b => b.Channel));
        Assert.Equal(4 * 32 * 32 + 5 * 170 * 170, BandTable.NativePixelsPerSample);
        Assert.Equal(2 * 32 * 32, BandTable.NativePixelOffset(Band.g));
        Assert.Equal(2 * 32 * 32 + 5 * 170 * 170, BandTable.NativePixelOffset(Band.W1));
    }

    [Fact]
    public void Files_planes_and_geometry_follow_the_services()
    {
        Assert.Equal("x.Galex.fits", BandTable.Get(Band.FUV).FileName("x"));
        Assert.Equal("x.r.fits", BandTable.Get(Band.r).FileName("x"));
        Assert.Equal("x.Unwise.fits", BandTable.Get(Band.W2).FileName("x"));
        Assert.Equal((0, "n"), (BandTable.Get(Band.NUV).CubePlane, BandTable.Get(Band.NUV).CubeBandCode));
        Assert.Equal((1, "f"), (BandTable.Get(Band.FUV).CubePlane, BandTable.Get(Band.FUV).CubeBandCode));
        Assert.Equal((0, "1"), (BandTable.Get(Band.W1).CubePlane, BandTable.Get(Band.W1).CubeBandCode));
        Assert.Equal((1.5, 32, 22), (BandTable.Galex.PixelScaleArcsec, BandTable.Galex.NativeSize, BandTable.Galex.CropSize));
        Assert.Equal((0.25, 170, 120), (BandTable.PanStarrs.PixelScaleArcsec, BandTable.PanStarrs.NativeSize,
            BandTable.PanStarrs.CropSize));
        Assert.Equal((2.75, 32, 22), (BandTable.Unwise.PixelScaleArcsec, BandTable.Unwise.NativeSize, BandTable.Unwise.CropSize));
    }

    [Fact]
    public void Zero_points()
    {
        Assert.Equal(18.82, BandTable.Get(Band.FUV).ZeroPoint());
        Assert.Equal(20.08, BandTable.Get(Band.NUV).ZeroPoint());
        Assert.Equal(25 + 2.5 * Math.Log10(860), BandTable.Get(Band.g).ZeroPoint(860), 12);
        Assert.Throws<ArgumentException>(() => BandTable.Get(Band.g).ZeroPoint());
        Assert.Equal(22.5 + 2.699, BandTable.Get(Band.W1).ZeroPoint(), 12);
        Assert.Equal(22.5 + 3.339, BandTable.Get(Band.W2).ZeroPoint(), 12);
        // A 1 nanomaggy W1 source: 22.5 Vega = 25.199 AB.
        Assert.Equal(25.199, BandTable.Get(Band.W1).AbMagnitude(1.0), 9);
        Assert.True(double.IsPositiveInfinity(BandTable.Get(Band.W1).AbMagnitude(0)));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.01f)]
    [InlineData(-3f)]
    [InlineData(12.5f)]
    [InlineData(1e6f)]
    public void Reference_intensity_transforms(float x)
    {
        Assert.Equal(Math.Clamp(x / 0.05f, 0, 1), BandTable.Galex.Transform.Apply(x), 6);
        Assert.Equal(Math.Max(MathF.Asinh(0.08f * x) / 8f, 0), BandTable.PanStarrs.Transform.Apply(x), 5);
        Assert.Equal(Math.Max(MathF.Asinh(0.6f * x) / 6f, 0), BandTable.Unwise.Transform.Apply(x), 5);
        Assert.Equal(0f, BandTable.PanStarrs.Transform.Apply(float.NaN));
    }

    [Fact]
    public void Band_names_parse()
    {
        Assert.Equal(Band.W1, BandTable.Parse("w1").Band);
        Assert.Equal(Band.z, BandTable.Parse("z").Band);
        Assert.Throws<ArgumentException>(() => BandTable.Parse("Q"));
    }
}
