using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;

namespace MantisShrimp.Engine.Tests;

/// <summary>Genuine service outputs from ../shared/real-cutouts (see the README there for the expected values).</summary>
public class RealCutoutTests
{
    public static string Dir => TestPaths.RealCutouts;

    [Theory]
    [InlineData("ps1_fitscut_SN2006bh_g.fits", 240, 27.952001, 0.263483, 860)]
    [InlineData("ps1_fitscut_SN2006bh_r.fits", 240, 27.952001, 0.263483, 720)]
    [InlineData("ps1_fitscut_SN2006bh_i.fits", 240, 27.952001, 0.263483, 1860)]
    [InlineData("ps1_fitscut_SN2006bh_z.fits", 240, 27.952001, 0.263483, 720)]
    [InlineData("ps1_fitscut_FRB20190608B_r.fits", 240, 334.019919, -7.898221, 1360)]
    [InlineData("ps1_fitscut_FRB20190608B_i.fits", 280, 334.019919, -7.898221, 2685)]
    public void Ps1_fitscut_headers_and_old_style_wcs(string file, int size, double ra, double dec, double exptime)
    {
        string path = Path.Combine(Dir, file);
        using var f = FitsFile.Open(path);
        var hdu = f.FirstImageHdu();
        Assert.Equal(FitsHeader.BlockSize * 2, Math.Min(hdu.DataOffset, FitsHeader.BlockSize * 2)); // several header blocks
        var img = f.ReadImage(hdu);
        Assert.Equal((size, size, 1), (img.Width, img.Height, img.Planes));
        Assert.Equal(exptime, img.Header.GetDouble("EXPTIME", path));
        Assert.Equal(25.0, img.Header.GetDouble("FPA.ZP", path)); // HIERARCH
        Assert.True(img.Header.TryGetDouble("FPA.FOCUS", out double focus) && double.IsNaN(focus)); // quoted 'NaN'
        Assert.True(img.Header.Contains("PC001001"));
        var wcs = TanWcs.FromHeader(img.Header, path);
        Assert.True(Math.Abs(wcs.Crpix1 - size / 2.0) > 500 || Math.Abs(wcs.Crpix2 - size / 2.0) > 500, "CRPIX lies far outside the image");
        var (cra, cdec) = wcs.CenterOf(img.Width, img.Height);
        Assert.True(TanWcs.SeparationArcsec(ra, dec, cra, cdec) < 0.01, $"centre {cra}, {cdec}");
        Assert.Equal(0.25, wcs.PixelScaleArcsec.X, 4);
        Assert.Contains(img.Data, v => v != 0);
    }

    [Fact]
    public void Legacy_survey_cube_layout()
    {
        string path = Path.Combine(Dir, "legacysurvey_dr9north_grz_134.7709_46.4537.fits");
        var img = FitsFile.ReadFirstImage(path);
        Assert.Equal((256, 256, 3), (img.Width, img.Height, img.Planes));
        Assert.Equal("grz", img.Header.GetStringOrNull("BANDS"));
        Assert.Equal("z", img.Header.GetStringOrNull("BAND2"));
        var (ra, dec) = TanWcs.FromHeader(img.Header, path).CenterOf(256, 256);
        Assert.True(TanWcs.SeparationArcsec(134.7709, 46.4537, ra, dec) < 0.01);
        for (int p = 0; p < 3; p++) Assert.Contains(img.Plane(p).ToArray().Cast<float>(), v => v != 0);
    }

    [Fact]
    public void Legacy_survey_single_band()
    {
        string path = Path.Combine(Dir, "legacysurvey_dr9_g_166.1125_38.2089.fits");
        var img = FitsFile.ReadFirstImage(path);
        Assert.Equal((60, 60, 1), (img.Width, img.Height, img.Planes));
        var wcs = TanWcs.FromHeader(img.Header, path);
        var (ra, dec) = wcs.CenterOf(60, 60);
        Assert.True(TanWcs.SeparationArcsec(166.1125, 38.208889, ra, dec) < 0.01);
        Assert.Equal(1.0, wcs.PixelScaleArcsec.X, 6);
    }
}

public static class TestPaths
{
    /// <summary>
    /// ../shared/real-cutouts relative to the repository root (found by walking up from the test binary), or
    /// MANTIS_REAL_CUTOUTS where set (a git worktree outside the checkout has no ../shared beside it).
    /// </summary>
    public static string RealCutouts
    {
        get
        {
            if (Environment.GetEnvironmentVariable("MANTIS_REAL_CUTOUTS") is { Length: > 0 } overridden) return overridden;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MantisShrimp.sln")))
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "real-cutouts"));
                dir = dir.Parent;
            }
            throw new InvalidOperationException("Repository root (MantisShrimp.sln) not found above " + AppContext.BaseDirectory);
        }
    }
}
