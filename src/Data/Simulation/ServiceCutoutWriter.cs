using System.Globalization;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// Writes one source's 9 bands as the services deliver them, in reference naming: a GALEX cube
/// (plane 0 NUV, plane 1 FUV, BANDS='nf'), five PS1 single-band files with EXPTIME, and an unWISE cube
/// (W1, W2, BANDS='12'), each with a TAN WCS centred on the source (CRPIX = (N+1)/2, CD1_1 = −scale)
/// and our own MAGZP/PSFFWHM keywords.
/// </summary>
public static class ServiceCutoutWriter
{
    /// <summary>
    /// Writes the files. <paramref name="bandPixels"/>: channel-ordered planes at native size (row-major [y, x]);
    /// <paramref name="ps1ExposureSeconds"/>: EXPTIME of the g r i z y stacks.
    /// </summary>
    public static void Write(string directory, string name, double ra, double dec,
        IReadOnlyList<float[]> bandPixels, IReadOnlyList<double> ps1ExposureSeconds, IReadOnlyList<double>? psfFwhmArcsec = null)
    {
        if (bandPixels.Count != BandTable.BandCount) throw new ArgumentException("Nine band planes are needed.");
        Directory.CreateDirectory(directory);
        foreach (var survey in BandTable.AllSurveys)
        {
            var wcs = TanWcs.Centered(ra, dec, survey.NativeSize, survey.PixelScaleArcsec);
            int n = survey.NativeSize;
            if (survey.CubeFileSuffix is not null)
            {
                var planes = survey.Bands.OrderBy(b => b.CubePlane).ToArray();
                var cube = new float[planes.Length * n * n];
                var cards = LegacySurveyCards(survey, wcs, planes);
                for (int p = 0; p < planes.Length; p++)
                {
                    bandPixels[planes[p].Channel].CopyTo(cube, p * n * n);
                    cards.Add(FitsCard.Of($"MAGZP{p}", planes[p].ZeroPoint(), $"AB mag of a pixel value of 1 ({planes[p].Name})"));
                    if (psfFwhmArcsec is not null)
                        cards.Add(FitsCard.Of($"PSFFWHM{p}", psfFwhmArcsec[planes[p].Channel], $"PSF FWHM arcsec ({planes[p].Name})"));
                }
                FitsWriter.WriteFile(Path.Combine(directory, planes[0].FileName(name)),
                    w => w.WriteImage(cube, n, n, planes.Length, cards));
            }
            else
            {
                foreach (var band in survey.Bands)
                {
                    double exptime = ps1ExposureSeconds[band.Channel - BandTable.Get(Band.g).Channel];
                    var cards = new List<FitsCard>(wcs.ToCards())
                    {
                        FitsCard.Of("RADESYS", "ICRS"),
                        FitsCard.Of("EXPTIME", exptime, "stack exposure time (s)"),
                        FitsCard.Of("FPA.ZP", BandTable.PanStarrsZeroPointAt1s, "zero point for 1 s"),
                        FitsCard.Of("FPA.FILTER", band.Name + ".00000"),
                        FitsCard.Of("MAGZP", band.ZeroPoint(exptime), "AB mag of a pixel value of 1"),
                    };
                    if (psfFwhmArcsec is not null) cards.Add(FitsCard.Of("PSFFWHM", psfFwhmArcsec[band.Channel], "PSF FWHM arcsec"));
                    FitsWriter.WriteFile(Path.Combine(directory, band.FileName(name)),
                        w => w.WriteImage(bandPixels[band.Channel], n, n, 1, cards));
                }
            }
        }
    }

    private static List<FitsCard> LegacySurveyCards(SurveyInfo survey, TanWcs wcs, BandInfo[] planes)
    {
        var cards = new List<FitsCard>(wcs.ToCards())
        {
            FitsCard.Of("BANDS", string.Concat(planes.Select(p => p.CubeBandCode))),
            FitsCard.Of("SURVEY", survey.Name),
            FitsCard.Of("VERSION", survey.ViewerLayer ?? throw new ArgumentException($"{survey.Name} is not a viewer cube")),
            FitsCard.Of("IMAGEW", (long)survey.NativeSize),
            FitsCard.Of("IMAGEH", (long)survey.NativeSize),
        };
        for (int p = 0; p < planes.Length; p++)
            cards.Add(FitsCard.Of($"BAND{p}", planes[p].CubeBandCode!));
        return cards;
    }

    internal static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
