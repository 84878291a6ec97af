using System.Text.Json;
using MantisShrimp.Engine.Fits;
using MantisShrimp.Engine.Sky;
using MantisShrimp.Engine.Tests;
using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

/// <summary>
/// TAN WCS pixel ↔ sky against astropy.wcs (wcslib) over seeded random headers: CD, CDELT + PCi_j, CDELT + PC00i00j
/// (PS1 fitscut), CDELT + CROTA2, CDELT alone, explicit LONPOLE, CRVAL anywhere including at and near both poles.
/// </summary>
public sealed class WcsConformanceTests(ITestOutputHelper output)
{
    /// <summary>The agreement asked of the engine, arcsec (both sides are exact formulas in double precision).</summary>
    private const double ToleranceArcsec = 1e-4;

    private const int Headers = 320, PixelsPerHeader = 16, SkyPerHeader = 8;

    private sealed record Case(List<(string Key, object Value)> Cards, double[][] Pixels, double[][] Sky, double ScaleArcsec);

    [Fact]
    public void Pixel_to_sky_and_back_agree_with_astropy_wcs()
    {
        var rng = new Random(90_2026);
        var cases = Enumerable.Range(0, Headers).Select(i => MakeCase(rng, i)).ToList();
        using var tmp = new TempDir();
        string input = tmp.File("cases.json");
        File.WriteAllText(input, JsonSerializer.Serialize(cases.Select(c => new
        {
            cards = c.Cards.Select(k => new[] { k.Key, k.Value }),
            pixels = c.Pixels,
            sky = c.Sky,
        })));
        var peer = PythonPeer.Run("tan_wcs.py", input).EnumerateArray().ToList();
        Assert.Equal(cases.Count, peer.Count);

        double maxSky = 0, maxPix = 0, maxPole = 0;
        int points = 0, poleHeaders = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var header = new FitsHeader(c.Cards.Select(k => k.Value switch
            {
                string s => FitsCard.Of(k.Key, s),
                double d => FitsCard.Of(k.Key, d),
                _ => throw new InvalidOperationException(),
            }));
            var wcs = TanWcs.FromHeader(header, $"case {i}");
            var r = peer[i];
            // astropy hands wcslib the header as text with 16 significant digits, hence the last-bit tolerance.
            Assert.Equal(r.GetProperty("lonpole").GetDouble(), wcs.LonPole, 1e-9);
            var sky = r.GetProperty("sky").EnumerateArray().ToList();
            double worst = 0;
            for (int p = 0; p < c.Pixels.Length; p++)
            {
                var (ra, dec) = wcs.PixelToSky(c.Pixels[p][0], c.Pixels[p][1]);
                double sep = TanWcs.SeparationArcsec(ra, dec, sky[p][0].GetDouble(), sky[p][1].GetDouble());
                worst = Math.Max(worst, sep);
                Assert.True(sep <= ToleranceArcsec, $"case {i} ({Describe(c)}): pixel ({c.Pixels[p][0]}, {c.Pixels[p][1]}) → "
                    + $"({ra}, {dec}); astropy ({sky[p][0]}, {sky[p][1]}): {sep:G3}″ apart");
                points++;
            }
            var pix = r.GetProperty("pixels").EnumerateArray().ToList();
            for (int p = 0; p < c.Sky.Length; p++)
            {
                var (x, y) = wcs.SkyToPixel(c.Sky[p][0], c.Sky[p][1]);
                double d = Math.Sqrt(Math.Pow(x - pix[p][0].GetDouble(), 2) + Math.Pow(y - pix[p][1].GetDouble(), 2)) * c.ScaleArcsec;
                maxPix = Math.Max(maxPix, d);
                Assert.True(d <= ToleranceArcsec, $"case {i} ({Describe(c)}): sky ({c.Sky[p][0]}, {c.Sky[p][1]}) → ({x}, {y}); "
                    + $"astropy ({pix[p][0]}, {pix[p][1]}): {d:G3}″ apart");
                points++;
            }
            maxSky = Math.Max(maxSky, worst);
            double crval2 = (double)c.Cards.First(k => k.Key == "CRVAL2").Value;
            if (Math.Abs(crval2) > 89)
            {
                poleHeaders++;
                maxPole = Math.Max(maxPole, worst);
            }
        }
        PythonPeer.Report(output, "TAN WCS vs astropy.wcs",
            $"{Headers} headers ({poleHeaders} with |CRVAL2| > 89°, CRVAL2 = ±90 included), {points} points: "
            + $"max pixel→sky {maxSky:G3}″ (poles {maxPole:G3}″), max sky→pixel {maxPix:G3}″ (tolerance {ToleranceArcsec}″)");
    }

    private static string Describe(Case c) => string.Join(" ", c.Cards.Select(k => $"{k.Key}={k.Value}"));

    private static Case MakeCase(Random rng, int i)
    {
        double crval1 = rng.NextDouble() * 360;
        double crval2 = (i % 10) switch
        {
            0 => 90.0,
            1 => -90.0,
            2 => 90 - Math.Pow(10, -rng.Next(1, 5)),
            3 => -90 + Math.Pow(10, -rng.Next(1, 5)),
            _ => Math.Asin(rng.NextDouble() * 2 - 1) * 180 / Math.PI,
        };
        double scaleArcsec = 0.1 + rng.NextDouble() * 3;
        double s = scaleArcsec / 3600;
        double rot = rng.NextDouble() * 2 * Math.PI;
        double flip = rng.NextDouble() < 0.8 ? -1 : 1; // east left (the usual) or mirrored
        double crpix1 = rng.Next(-600, 600) + 0.5 * rng.Next(2), crpix2 = rng.Next(-600, 600) + 0.5 * rng.Next(2);
        var cards = new List<(string, object)>
        {
            ("CTYPE1", "RA---TAN"), ("CTYPE2", "DEC--TAN"), ("CRVAL1", crval1), ("CRVAL2", crval2), ("CRPIX1", crpix1), ("CRPIX2", crpix2),
        };
        double cdelt1 = flip * s, cdelt2 = s * (1 + 0.01 * (rng.NextDouble() - 0.5));
        switch (i % 5)
        {
            case 0: // CD with a little skew
                double skew = 0.02 * (rng.NextDouble() - 0.5);
                cards.AddRange([("CD1_1", cdelt1 * Math.Cos(rot)), ("CD1_2", -cdelt2 * Math.Sin(rot + skew)),
                    ("CD2_1", cdelt1 * Math.Sin(rot)), ("CD2_2", cdelt2 * Math.Cos(rot + skew))]);
                break;
            case 1:
                cards.AddRange([("CDELT1", cdelt1), ("CDELT2", cdelt2), ("PC1_1", Math.Cos(rot)), ("PC1_2", -Math.Sin(rot)),
                    ("PC2_1", Math.Sin(rot)), ("PC2_2", Math.Cos(rot))]);
                break;
            case 2: // PS1 fitscut's old form
                cards.AddRange([("CDELT1", Math.Abs(cdelt1)), ("CDELT2", cdelt2), ("PC001001", flip * Math.Cos(rot)),
                    ("PC001002", -Math.Sin(rot)), ("PC002001", flip * Math.Sin(rot)), ("PC002002", Math.Cos(rot))]);
                break;
            case 3:
                cards.AddRange([("CDELT1", cdelt1), ("CDELT2", cdelt2), ("CROTA2", rot * 180 / Math.PI - 180)]);
                break;
            default:
                cards.AddRange([("CDELT1", cdelt1), ("CDELT2", cdelt2)]);
                break;
        }
        if (rng.NextDouble() < 0.2)
            cards.Add(("LONPOLE", rng.Next(4) switch { 0 => 180.0, 1 => 0.0, 2 => 90.0, _ => rng.NextDouble() * 360 }));

        var pixels = new double[PixelsPerHeader][];
        for (int p = 0; p < pixels.Length; p++)
            pixels[p] = p < 4
                ? [1 + rng.NextDouble() * 300, 1 + rng.NextDouble() * 300] // within a cutout
                : [crpix1 + (rng.NextDouble() - 0.5) * 3000, crpix2 + (rng.NextDouble() - 0.5) * 3000];
        var sky = new double[SkyPerHeader][];
        for (int p = 0; p < sky.Length; p++)
        {
            // Up to 0.5° from the tangent point in a random direction (great-circle destination).
            double dist = rng.NextDouble() * 0.5 * Math.PI / 180, bearing = rng.NextDouble() * 2 * Math.PI;
            double d0 = crval2 * Math.PI / 180, a0 = crval1 * Math.PI / 180;
            double d = Math.Asin(Math.Sin(d0) * Math.Cos(dist) + Math.Cos(d0) * Math.Sin(dist) * Math.Cos(bearing));
            double a = a0 + Math.Atan2(Math.Sin(bearing) * Math.Sin(dist) * Math.Cos(d0), Math.Cos(dist) - Math.Sin(d0) * Math.Sin(d));
            sky[p] = [((a * 180 / Math.PI) % 360 + 360) % 360, d * 180 / Math.PI];
        }
        return new Case(cards, pixels, sky, scaleArcsec);
    }
}
