using MantisShrimp.Engine.Surveys;
using static MantisShrimp.Engine.Tests.FitsBytes;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// Writes a source's cutouts in reference naming with the test's own byte-level FITS builder (not the
/// engine's writer): PS1 as BITPIX 16 with BSCALE/BZERO, GALEX/unWISE as float cubes. Values are a known
/// function of (band, x, y) so a test can check what ingest stored.
/// </summary>
public static class SampleFiles
{
    /// <summary>The physical value the test writes at (x, y) of a band (exactly representable after 16-bit scaling).</summary>
    public static float Value(Band band, int x, int y, int seed) =>
        BandTable.Get(band).Survey == Survey.PanStarrs
            ? 0.25f * ((x * 7 + y * 13 + seed * 31 + (int)band * 17) % 400 - 100)
            : 0.001f * ((x * 5 + y * 3 + seed + (int)band) % 50);

    public static void Write(string dir, string id, double ra, double dec, int seed = 0, int ps1Size = 170,
        Func<Band, int, int, float>? value = null, bool withWcs = true, double scaleFactor = 1.0)
    {
        value ??= (b, x, y) => Value(b, x, y, seed);
        foreach (var survey in BandTable.AllSurveys)
        {
            if (survey.CubeFileSuffix is { } suffix)
            {
                int n = survey.NativeSize;
                var planes = survey.Bands.OrderBy(b => b.CubePlane).ToArray();
                var vals = new List<double>();
                foreach (var b in planes)
                    for (int y = 0; y < n; y++)
                        for (int x = 0; x < n; x++) vals.Add(value(b.Band, x, y));
                File.WriteAllBytes(Path.Combine(dir, $"{id}.{suffix}.fits"), Image(-32, [n, n, planes.Length], vals,
                    [StrCard("BANDS", string.Concat(planes.Select(p => p.CubeBandCode))),
                        .. Wcs(ra, dec, n, survey.PixelScaleArcsec * scaleFactor, withWcs)]));
            }
            else
            {
                foreach (var b in survey.Bands)
                {
                    int n = ps1Size;
                    var stored = new List<double>();
                    for (int y = 0; y < n; y++)
                        for (int x = 0; x < n; x++) stored.Add(float.IsNaN(value(b.Band, x, y)) ? -32768
                            : (value(b.Band, x, y) - 10.0) / 0.25);
                    File.WriteAllBytes(Path.Combine(dir, $"{id}.{b.Name}.fits"), Image(16, [n, n], stored,
                        [Card("BSCALE", "0.25"), Card("BZERO", "10.0"), Card("BLANK", "-32768"), Card("EXPTIME", "600."),
                            .. Wcs(ra, dec, n, survey.PixelScaleArcsec * scaleFactor, withWcs)]));
                }
            }
        }
    }

    public static string[] Wcs(double ra, double dec, int n, double scale, bool with = true) => !with ? [] :
    [
        StrCard("CTYPE1", "RA---TAN"), StrCard("CTYPE2", "DEC--TAN"),
        Card("CRVAL1", ra.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Card("CRVAL2", dec.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Card("CRPIX1", ((n + 1) / 2.0).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Card("CRPIX2", ((n + 1) / 2.0).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Card("CDELT1", (-scale / 3600).ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Card("CDELT2", (scale / 3600).ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>Writes a catalog CSV with an extra metadata column.</summary>
    public static string Catalog(string path, IEnumerable<(string Id, double Ra, double Dec, double Z)> rows)
    {
        var lines = new List<string> { "id,ra,dec,z,ebv_csfd,ebv_planck,survey" };
        foreach (var r in rows)
            lines.Add(string.Join(",", r.Id, r.Ra.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                r.Dec.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    r.Z.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                "0.03", "0.031", "\"SDSS, DR17\""));
        File.WriteAllLines(path, lines);
        return path;
    }
}
