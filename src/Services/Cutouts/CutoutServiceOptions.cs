namespace MantisShrimp.Engine.Cutouts;

/// <summary>Where the cutout services live and how politely to ask them.</summary>
public sealed record CutoutServiceOptions
{
    /// <summary>Base of PS1's image services (ps1filenames.py, fitscut.cgi).</summary>
    public string PanStarrsBase { get; init; } = "https://ps1images.stsci.edu/cgi-bin/";
    /// <summary>Base of the Legacy Surveys viewer (fits-cutout).</summary>
    public string LegacySurveyBase { get; init; } = "https://www.legacysurvey.org/viewer/";
    /// <summary>Requests in flight at once, over all hosts.</summary>
    public int MaxConcurrency { get; init; } = 4;
    /// <summary>Polite spacing between the starts of two requests to the same host.</summary>
    public TimeSpan PerHostInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Time allowed for one attempt (connect + whole body).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int Retries { get; init; } = 4;
    /// <summary>First backoff; doubled per retry, with jitter.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Folder of the on-disk cache of parsed FITS files (null: no cache).</summary>
    public string? CacheDirectory { get; init; }
}
