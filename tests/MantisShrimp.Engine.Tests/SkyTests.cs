using MantisShrimp.Engine.Sky;

namespace MantisShrimp.Engine.Tests;

public class SkyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(32)]
    public void Healpix_pixel_centres_round_trip_in_both_schemes(int nside)
    {
        foreach (var ordering in new[] { HealpixOrdering.Ring, HealpixOrdering.Nested })
            for (long p = 0; p < Healpix.Pixels(nside); p++)
            {
                var (lon, lat) = Healpix.PixelToLonLat(nside, ordering, p);
                Assert.Equal(p, Healpix.LonLatToPixel(nside, ordering, lon, lat));
            }
    }

    [Fact]
    public void Healpix_known_values()
    {
        // nside 1: pixel 0 (both schemes) is centred at θ = acos(2/3), φ = π/4; pixel 4 (ring) at the equator, φ = 0.
        var (lon, lat) = Healpix.PixelToLonLat(1, HealpixOrdering.Ring, 0);
        Assert.Equal(45.0, lon, 9);
        Assert.Equal(90 - Math.Acos(2.0 / 3.0) * 180 / Math.PI, lat, 9);
        var (lon4, lat4) = Healpix.PixelToLonLat(1, HealpixOrdering.Ring, 4);
        Assert.Equal(0.0, lat4, 9);
        Assert.Equal(0.0, lon4, 9);
        // The north pole falls in the first pixels; the south pole in the last ring pixels.
        Assert.InRange(Healpix.LonLatToPixel(16, HealpixOrdering.Ring, 10, 89.99), 0, 3);
        Assert.InRange(Healpix.LonLatToPixel(16, HealpixOrdering.Ring, 10, -89.99), Healpix.Pixels(16) - 4, Healpix.Pixels(16) - 1);
        // Same point, both schemes, nside 2 pixel 0 of face 0 in NESTED is the southern corner of the face.
        Assert.Equal(Healpix.Pixels(4), Enumerable.Range(0,
            (int)Healpix.Pixels(4)).Select(p => Healpix.PixelToLonLat(4, HealpixOrdering.Nested, p)).Distinct().Count());
    }

    [Fact]
    public void Galactic_reference_points()
    {
        // The Galactic centre and the north Galactic pole (IAU / astropy values).
        var (l, b) = Galactic.FromIcrs(266.40499, -28.93617);
        Assert.True(Math.Min(l, 360 - l) < 1e-3 && Math.Abs(b) < 1e-3, $"GC → ({l}, {b})");
        var (_, bp) = Galactic.FromIcrs(192.85948, 27.12825);
        Assert.Equal(90.0, bp, 3);
        var (ra, dec) = Galactic.ToIcrs(123.4, -45.6);
        var (l2, b2) = Galactic.FromIcrs(ra, dec);
        Assert.Equal(123.4, l2, 9);
        Assert.Equal(-45.6, b2, 9);
    }
}
