using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Sources;

/// <summary>
/// The paper's rule (§2.3) for the target's photometry in a cutout band: the detection nearest the cutout centre if
/// it lies within 5 px, measured in its Kron ellipse (2.5 × Kron radius); otherwise a static circular aperture of
/// radius 2, 4, 2 px for GALEX, PS1, unWISE. The mask is that ellipse scaled to 4× the Kron radius (or
/// the static aperture itself).
/// </summary>
public static class TargetPhotometry
{
    public const double MatchRadiusPx = 5.0;
    /// <summary>Paper §5.1: the masked image hides the target's isophotal ellipse scaled to 4 × its Kron radius.</summary>
    public const double MaskKronFactor = 4.0;

    public static TargetMeasurement Measure(Band band, ReadOnlySpan<float> image, ExtractionSettings? settings = null)
    {
        var info = BandTable.Get(band);
        int n = info.NativeSize;
        double centre = (n - 1) / 2.0;
        // The thread's extraction buffers: nothing of the extraction but numbers leaves this method.
        var (background, objects, _, subtracted) =
            Extractor.Extract(image, n, n, settings, (centre, centre), ExtractionBuffers.ForThread());
        DetectedObject? nearest = null;
        double best = double.MaxValue;
        foreach (var o in objects)
        {
            double d = Math.Sqrt((o.Shape.X - centre) * (o.Shape.X - centre) + (o.Shape.Y - centre) * (o.Shape.Y - centre));
            if (d < best) { best = d; nearest = o; }
        }
        float back = background.GlobalBack, rms = background.GlobalRms;
        if (nearest is not null && best <= MatchRadiusPx && nearest.KronRadius > 0 && double.IsFinite(nearest.KronFlux))
            return new TargetMeasurement(band, TargetMethod.Kron, nearest.KronFlux, nearest.KronArea, nearest.KronEllipse,
                nearest.Ellipse.Scaled(MaskKronFactor * nearest.KronRadius), back, rms, objects.Count)
            {
                KronRadius = nearest.KronRadius,
            };
        var circle = Ellipse.Circle(centre, centre, info.SurveyInfo.StaticApertureRadiusPx);
        var (flux, area, _) = Aperture.SumEllipse(subtracted.AsSpan(0, n * n), n, n, circle);
        return new TargetMeasurement(band, TargetMethod.StaticAperture, flux, area, circle, circle, back, rms, objects.Count);
    }

    /// <summary>The target's S/N (<see cref="TargetMeasurement.SignalToNoise"/>) in <paramref name="band"/> of a raw sample.</summary>
    public static double SignalToNoise(ReadOnlySpan<float> samplePixels, Band band, ExtractionSettings? settings = null)
    {
        var info = BandTable.Get(band);
        return Measure(band, samplePixels.Slice(BandTable.NativePixelOffset(band), info.NativeSize * info.NativeSize),
            settings).SignalToNoise;
    }

    /// <summary>All 9 bands of a raw sample (native pixels in channel order, as a shard record holds them).</summary>
    public static TargetMeasurement[] MeasureSample(ReadOnlySpan<float> samplePixels, ExtractionSettings? settings = null)
    {
        var result = new TargetMeasurement[BandTable.BandCount];
        foreach (var b in BandTable.All)
            result[b.Channel] = Measure(b.Band, samplePixels.Slice(BandTable.NativePixelOffset(b.Band), b.NativeSize * b.NativeSize),
                settings);
        return result;
    }
}
