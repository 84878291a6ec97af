using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;

namespace MantisShrimp.Engine.Tests;

public class WcsTests
{
    [Theory]
    [InlineData(10.0, 20.0)]
    [InlineData(359.99, -29.5)]
    [InlineData(0.001, 0.0)]
    [InlineData(180.0, 89.9)]
    [InlineData(250.0, -89.0)]
    public void Pixel_sky_round_trip(double ra, double dec)
    {
        var wcs = new TanWcs(ra, dec, 50.5, 40.25, -2e-4, 1e-5, 2e-5, 2.1e-4);
        foreach (var (x, y) in new[] { (1.0, 1.0), (50.5, 40.25), (100.0, 3.0), (-20.0, 70.0) })
        {
            var (a, d) = wcs.PixelToSky(x, y);
            var (x2, y2) = wcs.SkyToPixel(a, d);
            Assert.Equal(x, x2, 6);
            Assert.Equal(y, y2, 6);
        }
        var (ra0, dec0) = wcs.PixelToSky(50.5, 40.25);
        Assert.True(TanWcs.SeparationArcsec(ra, dec, ra0, dec0) < 1e-6);
    }

    [Fact]
    public void East_is_left_north_is_up_for_negative_cd11()
    {
        var wcs = TanWcs.Centered(150, 2, 33, 1.0);
        var (raRight, _) = wcs.PixelToSky(18, 17);
        var (_, decUp) = wcs.PixelToSky(17, 18);
        Assert.True(raRight < 150, "x+1 moves west (RA decreases)");
        Assert.True(decUp > 2);
        Assert.Equal(1.0 / Math.Cos(2 * Math.PI / 180), (150 - raRight) * 3600, 3);
    }

    [Fact]
    public void Gnomonic_projection_matches_the_closed_form()
    {
        // 1 degree from the tangent point along the meridian: η = tan(1°) in radians → degrees.
        var wcs = new TanWcs(0, 0, 0, 0, 1, 0, 0, 1);
        double y = Math.Tan(Math.PI / 180) * 180 / Math.PI;
        var (_, dec) = wcs.PixelToSky(0, y);
        Assert.Equal(1.0, dec, 10);
    }

    [Fact]
    public void Header_forms_cd_pc_cdelt_and_crota_agree()
    {
        static FitsHeader H(params FitsCard[] extra)
        {
            var h = new FitsHeader([FitsCard.Of("CTYPE1", "RA---TAN"), FitsCard.Of("CTYPE2", "DEC--TAN"),
                FitsCard.Of("CRVAL1", 30.0), FitsCard.Of("CRVAL2", -10.0), FitsCard.Of("CRPIX1", 10.0), FitsCard.Of("CRPIX2", 12.0)]);
            foreach (var c in extra) h.Add(c);
            return h;
        }
        double s = 1e-3, th = 30 * Math.PI / 180;
        var cd = TanWcs.FromHeader(H(FitsCard.Of("CD1_1", -s * Math.Cos(th)), FitsCard.Of("CD1_2", s * Math.Sin(th)),
            FitsCard.Of("CD2_1", s * Math.Sin(th)), FitsCard.Of("CD2_2", s * Math.Cos(th))), "cd");
        var pc = TanWcs.FromHeader(H(FitsCard.Of("CDELT1", -s), FitsCard.Of("CDELT2", s), FitsCard.Of("PC1_1", Math.Cos(th)),
            FitsCard.Of("PC1_2", -Math.Sin(th)), FitsCard.Of("PC2_1", Math.Sin(th)), FitsCard.Of("PC2_2", Math.Cos(th))), "pc");
        var old = TanWcs.FromHeader(H(FitsCard.Of("CDELT1", -s), FitsCard.Of("CDELT2", s), FitsCard.Of("PC001001", Math.Cos(th)),
            FitsCard.Of("PC001002", -Math.Sin(th)), FitsCard.Of("PC002001", Math.Sin(th)), FitsCard.Of("PC002002", Math.Cos(th))), "old");
        var crota = TanWcs.FromHeader(H(FitsCard.Of("CDELT1", -s), FitsCard.Of("CDELT2", s), FitsCard.Of("CROTA2", -30.0)), "crota");
        foreach (var w in new[] { pc, old, crota })
        {
            var a = cd.PixelToSky(40, -3);
            var b = w.PixelToSky(40, -3);
            Assert.True(TanWcs.SeparationArcsec(a.Ra, a.Dec, b.Ra, b.Dec) < 1e-6);
        }
    }

    [Fact]
    public void Missing_or_unsupported_wcs_is_a_format_error()
    {
        var h = new FitsHeader([FitsCard.Of("CTYPE1", "RA---SIN"), FitsCard.Of("CTYPE2", "DEC--SIN")]);
        Assert.Contains("only TAN", Assert.Throws<FitsFormatException>(() => TanWcs.FromHeader(h, "f.fits")).Message);
        var h2 = new FitsHeader([FitsCard.Of("CTYPE1", "RA---TAN"), FitsCard.Of("CTYPE2", "DEC--TAN"), FitsCard.Of("CRVAL1", 1.0)]);
        Assert.Contains("CRVAL2", Assert.Throws<FitsFormatException>(() => TanWcs.FromHeader(h2, "f.fits")).Message);
    }
}
