using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Sources;

/// <summary>The target of one band: flux, the aperture it was measured in, and what the baseline must hide.</summary>
/// <param name="Area">Pixels of the aperture that hold valid data (sub-pixel weighted, as sep).</param>
public sealed record TargetMeasurement(Band Band, TargetMethod Method, double Flux, double Area, Ellipse Aperture, Ellipse Mask,
    float BackLevel,
    float BackRms, int Detections)
{
    /// <summary>
    /// Flux error in the background-limited regime, as sep's aperture sums give it with err = the global RMS and no
    /// gain: σ² = Σ (pixel overlap) × RMS², i.e. RMS·√area. The source's own Poisson noise is left out (no gain is
    /// known for resampled survey cutouts), so bright sources' S/N is overestimated.
    /// </summary>
    public double FluxError => BackRms * Math.Sqrt(Area);

    /// <summary>The Kron radius (in units of the isophotal ellipse) of a Kron measurement; 0 for the static aperture.</summary>
    public double KronRadius { get; init; }

    /// <summary>
    /// sep's aperture error with a gain (aperture.c): σ² = RMS²·area + flux/gain when the flux is positive, i.e. the
    /// source's Poisson noise added for a detector of <paramref name="gain"/> e⁻ per unit; gain ≤ 0 is none.
    /// </summary>
    public double FluxErrorWithGain(double gain) =>
        Math.Sqrt(BackRms * (double)BackRms * Area + (gain > 0 && Flux > 0 ? Flux / gain : 0));

    /// <summary>Flux / <see cref="FluxError"/>; NaN when the error is 0 (a blank band, e.g. GALEX without coverage).</summary>
    public double SignalToNoise => FluxError > 0 ? Flux / FluxError : double.NaN;

    /// <summary>Luptitude-style feature used by the calibration (paper App. B): asinh(0.6·flux)/6.</summary>
    public double Luptitude => Math.Asinh(0.6 * Flux) / 6;
}
