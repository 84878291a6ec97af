using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// WCS metadata a cutout must carry (found too lenient by the astropy comparison): a TAN WCS at all, exact axis types,
/// parsable matrix keywords, the survey's pixel scale within 1%, and the north-pole LONPOLE default.
/// </summary>
public class CutoutWcsTests
{
    private const double Ra = 150.1, Dec = 2.2;

    private static string Reject(Action<string> write)
    {
        using var tmp = new TempDir();
        write(tmp.Path);
        return Assert.Throws<SampleRejectedException>(() => new CutoutLoader(tmp.Path).Load("s", Ra, Dec)).Message;
    }

    [Fact]
    public void Cutouts_at_the_survey_pixel_scale_load()
    {
        using var tmp = new TempDir();
        foreach (double f in new[] { 0.995, 1.0, 1.005 })
        {
            SampleFiles.Write(tmp.Path, $"s{f}", Ra, Dec, scaleFactor: f);
            new CutoutLoader(tmp.Path).Load($"s{f}", Ra, Dec);
        }
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.1)]
    [InlineData(1.02)]
    public void A_pixel_scale_not_the_survey_s_is_rejected(double factor)
    {
        string m = Reject(d => SampleFiles.Write(d, "s", Ra, Dec, scaleFactor: factor));
        Assert.Contains("pixel scale", m);
        Assert.Contains("CDELT1", m);
        Assert.Contains($"{BandTable.ForSurvey(Survey.Galex).PixelScaleArcsec}″", m); // the first file read is the GALEX cube
    }

    [Fact]
    public void A_cutout_without_wcs_is_rejected()
    {
        string m = Reject(d => SampleFiles.Write(d, "s", Ra, Dec, withWcs: false));
        Assert.Contains("CTYPE1 is missing", m);
    }

    private static FitsHeader Header(params FitsCard[] extra)
    {
        var h = new FitsHeader([FitsCard.Of("CRVAL1", 10.0), FitsCard.Of("CRVAL2", 20.0),
            FitsCard.Of("CRPIX1", 1.0), FitsCard.Of("CRPIX2", 1.0)]);
        foreach (var c in extra) h.Set(c);
        if (!h.Contains("CTYPE1")) h.Add(FitsCard.Of("CTYPE1", "RA---TAN"));
        if (!h.Contains("CTYPE2")) h.Add(FitsCard.Of("CTYPE2", "DEC--TAN"));
        return h;
    }

    [Fact]
    public void An_unparsable_matrix_keyword_is_an_error_naming_it()
    {
        var h = Header(FitsCard.Of("CD1_1", -1e-4), new FitsCard("CD1_2", "0.0.1", false, null),
            FitsCard.Of("CD2_1", 0.0), FitsCard.Of("CD2_2", 1e-4));
        Assert.Contains("CD1_2", Assert.Throws<FitsFormatException>(() => TanWcs.FromHeader(h, "f.fits")).Message);
        var p = Header(FitsCard.Of("CDELT1", -1e-4), FitsCard.Of("CDELT2", 1e-4), FitsCard.Of("CROTA2", "ten"));
        Assert.Contains("CROTA2", Assert.Throws<FitsFormatException>(() => TanWcs.FromHeader(p, "f.fits")).Message);
    }

    [Theory]
    [InlineData("CTYPE1", "RA---TANX")]
    [InlineData("CTYPE1", "RA---TAN-SIP")]
    [InlineData("CTYPE2", "DEC--TAN5")]
    [InlineData("CTYPE1", "GLON-TAN")]
    public void Junk_in_the_axis_types_is_an_error_naming_the_keyword(string key, string value)
    {
        var h = Header(FitsCard.Of(key, value), FitsCard.Of("CDELT1", -1e-4), FitsCard.Of("CDELT2", 1e-4));
        var m = Assert.Throws<FitsFormatException>(() => TanWcs.FromHeader(h, "f.fits")).Message;
        Assert.Contains($"{key} = '{value}'", m);
    }

    [Fact]
    public void A_tangent_point_on_the_north_pole_defaults_lonpole_to_zero()
    {
        // Paper II: φp = 0 when δ0 ≥ θ0 (= 90° for TAN), so α = α0 + φ − 180°. One pixel east of the pole along −x
        // (CD1_1 < 0): φ = −90°, hence α = 10 − 90 − 180 = −260 ≡ 100° (wcslib gives the same; the conformance suite checks it).
        var h = Header(FitsCard.Of("CRVAL2", 90.0), FitsCard.Of("CD1_1", -1e-3), FitsCard.Of("CD2_2", 1e-3));
        var wcs = TanWcs.FromHeader(h, "pole.fits");
        Assert.Equal(0.0, wcs.LonPole);
        var (ra, dec) = wcs.PixelToSky(11, 1);
        Assert.Equal(100.0, ra, 9);
        Assert.Equal(90 - 0.01, dec, 6);
        var south = Header(FitsCard.Of("CRVAL2", -90.0), FitsCard.Of("CD1_1", -1e-3), FitsCard.Of("CD2_2", 1e-3));
        Assert.Equal(180.0, TanWcs.FromHeader(south, "south.fits").LonPole);
    }
}
