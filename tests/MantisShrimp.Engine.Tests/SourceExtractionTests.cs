using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Sources;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Tests;

public class SourceExtractionTests
{
    /// <summary>An elliptical profile f(r) integrated over each pixel on a 7×7 sub-grid, plus flat background and Gaussian noise.</summary>
    internal static float[] Render(int n, double back, double noise, ulong seed,
        params (double X, double Y, double Flux, double Sigma, double Q, double Theta, bool Exponential)[] sources)
    {
        var image = new float[n * n];
        var rng = new SplitMix64(seed);
        const int sub = 7;
        foreach (var s in sources)
        {
            double c = Math.Cos(s.Theta), sn = Math.Sin(s.Theta);
            double sa = s.Sigma, sb = s.Sigma * s.Q;
            // Normalisation: Gaussian 1/(2π a b); exponential (scale length h) 1/(2π a b) with r in units of h.
            double norm = s.Flux / (2 * Math.PI * sa * sb);
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double sum = 0;
                    for (int j = 0; j < sub; j++)
                        for (int i = 0; i < sub; i++)
                        {
                            double dx = x - 0.5 + (i + 0.5) / sub - s.X, dy = y - 0.5 + (j + 0.5) / sub - s.Y;
                            double u = (c * dx + sn * dy) / sa, v = (-sn * dx + c * dy) / sb;
                            double r2 = u * u + v * v;
                            sum += s.Exponential ? Math.Exp(-Math.Sqrt(r2)) : Math.Exp(-0.5 * r2);
                        }
                    image[y * n + x] += (float)(norm * sum / (sub * sub));
                }
        }
        for (int p = 0; p < image.Length; p++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            image[p] += (float)(back + noise * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return image;
    }

    [Fact]
    public void Background_of_flat_noise_is_its_level_and_rms()
    {
        var image = Render(170, 100, 3, 1);
        var bkg = Background.Measure(image, 170, 170);
        Assert.Equal(3, bkg.MeshesX);
        Assert.InRange(bkg.GlobalBack, 99.9f, 100.1f);
        Assert.InRange(bkg.GlobalRms, 2.9f, 3.1f);
        // A bright source does not pull its mesh's level up much (clipping and the mode estimator).
        var withSource = Render(170, 100, 3, 1, (85, 85, 50000, 3, 1, 0, false));
        Assert.InRange(Background.Measure(withSource, 170, 170).BackAt(85, 85), 99.5f, 101f);
    }

    [Fact]
    public void Isolated_gaussian_flux_centroid_and_ellipse_are_recovered()
    {
        double theta = 30 * Math.PI / 180;
        var image = Render(170, 10, 1, 2, (85.3, 84.6, 20000, 4, 0.6, theta, false));
        var result = Extractor.Extract(image, 170, 170);
        var o = Assert.Single(result.Objects);
        Assert.InRange(o.Shape.X, 85.2, 85.4);
        Assert.InRange(o.Shape.Y, 84.5, 84.7);
        Assert.InRange(o.Shape.B / o.Shape.A, 0.55, 0.65);
        Assert.InRange(o.Shape.Theta, theta - 0.05, theta + 0.05);
        Assert.InRange(o.KronFlux / 20000, 0.98, 1.02);
    }

    [Fact]
    public void Exponential_disc_kron_flux_matches_the_profile_inside_the_kron_ellipse()
    {
        var image = Render(170, 0, 0.5, 3, (84, 86, 30000, 3, 0.7, 1.0, true));
        var o = Assert.Single(Extractor.Extract(image, 170, 170).Objects);
        // The same profile without noise, summed in the measured Kron ellipse: what a perfect measurement gives.
        var clean = Render(170, 0, 0, 3, (84, 86, 30000, 3, 0.7, 1.0, true));
        double expected = Aperture.SumEllipse(clean, 170, 170, o.KronEllipse).Sum;
        Assert.InRange(o.KronFlux / expected, 0.98, 1.02);
        Assert.InRange(expected / 30000, 0.9, 1.0); // the Kron aperture holds ≈ 90–96% of an exponential's light
    }

    [Fact]
    public void Two_blended_sources_are_deblended_and_one_level_does_not()
    {
        var image = Render(170, 0, 1, 4, (75, 85, 12000, 3, 1, 0, false), (89, 86, 6000, 3, 1, 0, false));
        var objects = Extractor.Extract(image, 170, 170).Objects.OrderBy(o => o.Shape.X).ToArray();
        Assert.Equal(2, objects.Length);
        Assert.InRange(objects[0].Shape.X, 74.0, 76.0);
        Assert.InRange(objects[1].Shape.X, 88.0, 90.0);
        Assert.Empty(objects[0].Pixels.Intersect(objects[1].Pixels));
        var single = Extractor.Extract(image, 170, 170, new ExtractionSettings { DeblendLevels = 1 });
        Assert.Single(single.Objects);
    }

    [Fact]
    public void Target_rule_kron_near_centre_else_static_aperture()
    {
        var centred = Render(170, 0, 1, 5, (86.5, 83, 20000, 3, 1, 0, false));
        var t = TargetPhotometry.Measure(Band.r, centred);
        Assert.Equal(TargetMethod.Kron, t.Method);
        Assert.InRange(t.Flux / 20000, 0.98, 1.02);
        Assert.True(Math.Abs(t.Mask.A / t.Aperture.A - TargetPhotometry.MaskKronFactor / Aperture.KronFactor) < 1e-9);

        var offCentre = Render(170, 0, 1, 6, (120, 84, 20000, 3, 1, 0, false));
        var s = TargetPhotometry.Measure(Band.r, offCentre);
        Assert.Equal(TargetMethod.StaticAperture, s.Method);
        Assert.Equal(BandTable.PanStarrs.StaticApertureRadiusPx, s.Aperture.A);
        Assert.Equal(1, s.Detections);

        var blank = new float[32 * 32]; // a GALEX no-coverage cutout
        var g = TargetPhotometry.Measure(Band.FUV, blank);
        Assert.Equal(TargetMethod.StaticAperture, g.Method);
        Assert.Equal(0, g.Flux);
        Assert.Equal(0, g.BackRms);
    }

    [Fact]
    public void Flux_error_matches_the_scatter_of_the_flux_over_noise_realisations()
    {
        static (double Scatter, double Quoted, double Mean) Over(Func<ulong, TargetMeasurement> measure)
        {
            var m = Enumerable.Range(0, 80).Select(k => measure(1000 + (ulong)k)).ToList();
            double mean = m.Average(t => t.Flux);
            return (Math.Sqrt(m.Sum(t => (t.Flux - mean) * (t.Flux - mean)) / (m.Count - 1)), m.Average(t => t.FluxError), mean);
        }

        // A fixed aperture (pure noise: the static aperture at the centre): the quoted error RMS·√area is the scatter
        // (80 realisations: ±8% sampling error).
        var fixedAperture = Over(seed =>
        {
            var t = TargetPhotometry.Measure(Band.r, Render(170, 0, 1, seed));
            Assert.Equal(TargetMethod.StaticAperture, t.Method);
            return t;
        });
        Assert.InRange(fixedAperture.Scatter / fixedAperture.Quoted, 0.8, 1.2);

        // A faint Gaussian measured in its Kron ellipse (S/N ≈ 18): the Kron radius moves with the noise, which the
        // quoted error leaves out (scatter 1.17 × quoted over these 80), as sep's and Source Extractor's errors do.
        var kron = Over(seed =>
        {
            var t = TargetPhotometry.Measure(Band.r, Render(170, 0, 1, seed, (84.5, 84.5, 250, 2.5, 1, 0, false)));
            Assert.Equal(TargetMethod.Kron, t.Method);
            Assert.Equal(t.Flux / t.FluxError, t.SignalToNoise, 12);
            return t;
        });
        Assert.InRange(kron.Scatter / kron.Quoted, 1.0, 1.5);
        Assert.InRange(kron.Mean / kron.Quoted, 10, 30);

        Assert.True(double.IsNaN(TargetPhotometry.Measure(Band.FUV, new float[32 * 32]).SignalToNoise)); // blank GALEX
    }

    [Fact]
    public void Invalid_pixels_are_ignored()
    {
        var image = Render(170, 10, 1, 7, (85, 85, 20000, 3, 1, 0, false));
        for (int x = 0; x < 170; x++) image[10 * 170 + x] = float.NaN;
        var o = Assert.Single(Extractor.Extract(image, 170, 170).Objects);
        Assert.InRange(o.KronFlux / 20000, 0.98, 1.02);
    }

    [Fact]
    public void Moments_of_an_object_without_positive_flux_are_geometric()
    {
        // Issue 13: the fallback's weights were 0, so x2 came out as the single-pixel 1/12 alone.
        var image = new float[] { -1, -2, -1, -3, -1, 0, 0, 0, 0, 0 };
        var m = Moments.Measure([0, 1, 2, 3, 4], image, 5);
        Assert.Equal(2.0, m.X, 12);
        Assert.Equal(2.0 + 1.0 / 12, m.X2, 12); // variance of 0..4, plus the guard for a zero-height line
        Assert.Equal(-8.0, m.Flux, 12);
    }
}
