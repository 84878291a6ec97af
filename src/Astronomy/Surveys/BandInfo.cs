namespace MantisShrimp.Engine.Surveys;

/// <summary>
/// One band: where it sits in the model's channels, in which file/plane the services deliver it,
/// and how its pixel values convert to magnitudes.
/// </summary>
/// <param name="Channel">Model channel index 0..8 (FUV, NUV, g, r, i, z, y, W1, W2).</param>
/// <param name="CubePlane">Plane index inside the survey's cube file (GALEX: 0 = NUV, 1 = FUV; unWISE: 0 = W1, 1 = W2), or -1 for one file
/// per band.</param>
/// <param name="CubeBandCode">Letter(s) the legacysurvey header keyword BANDS uses for this plane ('n','f' for GALEX; '1','2' for
/// unWISE).</param>
/// <param name="NativeZeroPoint">Zero point of a pixel value of 1 in the survey's native system; PS1's depends on EXPTIME (see <see
/// cref="ZeroPoint"/>).</param>
/// <param name="AbMinusNative">AB − native magnitude offset (0 for AB bands; 2.699 for W1, 3.339 for W2).</param>
public sealed record BandInfo(
    Band Band,
    Survey Survey,
    int Channel,
    int CubePlane,
    string? CubeBandCode,
    double NativeZeroPoint,
    MagnitudeSystem NativeSystem,
    double AbMinusNative)
{
    public string Name => Band.ToString();

    /// <summary>Blue and red edges (Å, observed frame) of the band's transmission, at half maximum.</summary>
    public (double Blue, double Red) PassbandAngstrom { get; init; }

    /// <summary>Pivot-like centre of the passband (Å).</summary>
    public double CentreAngstrom => 0.5 * (PassbandAngstrom.Blue + PassbandAngstrom.Red);

    /// <summary>Typical PSF FWHM of the service's images (arcsec).</summary>
    public double PsfFwhmArcsec { get; init; }

    /// <summary>5σ point-source depth (AB) of the paper's Table 2.</summary>
    public double Depth5SigmaAb { get; init; }

    public SurveyInfo SurveyInfo => BandTable.ForSurvey(Survey);

    /// <summary>Position of this band among its survey's bands (PS1: g = 0 … y = 4), e.g. its EXPTIME in per-survey arrays.</summary>
    public int IndexInSurvey
    {
        get
        {
            var bands = SurveyInfo.Bands;
            for (int i = 0; i < bands.Count; i++)
                if (bands[i].Band == Band) return i;
            throw new InvalidOperationException($"band {Name} is not among {SurveyInfo.Name}'s bands");
        }
    }

    /// <summary>Side length of this band's cutout as delivered and stored.</summary>
    public int NativeSize => SurveyInfo.NativeSize;

    /// <summary>
    /// AB magnitude of a pixel value of 1. For PS1 stacks the zero point is 25 + 2.5·log10(EXPTIME)
    /// (fitscut delivers counts of the stack whose nominal zero point is 25 for 1 s); pass the header's EXPTIME.
    /// </summary>
    public double ZeroPoint(double? exposureTimeSeconds = null)
    {
        if (Survey == Survey.PanStarrs)
        {
            if (exposureTimeSeconds is not { } t || !(t > 0) || double.IsInfinity(t))
                throw new ArgumentException($"PS1 band {Name} needs a positive EXPTIME to compute its zero point.");
            return BandTable.PanStarrsZeroPointAt1s + 2.5 * Math.Log10(t);
        }
        return NativeZeroPoint + AbMinusNative;
    }

    /// <summary>AB magnitude of a summed pixel flux, or +∞ for non-positive flux.</summary>
    public double AbMagnitude(double flux, double? exposureTimeSeconds = null) =>
        flux > 0 ? ZeroPoint(exposureTimeSeconds) - 2.5 * Math.Log10(flux) : double.PositiveInfinity;

    /// <summary>File name of this band's cutout in the reference naming ({name}.Galex.fits, {name}.g.fits, {name}.Unwise.fits).</summary>
    public string FileName(string objectName) =>
        SurveyInfo.CubeFileSuffix is { } suffix ? $"{objectName}.{suffix}.fits" : $"{objectName}.{Name}.fits";
}
