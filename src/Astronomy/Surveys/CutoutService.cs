namespace MantisShrimp.Engine.Surveys;

/// <summary>The cutout services the surveys come from.</summary>
public enum CutoutService
{
    /// <summary>Pan-STARRS1 image services: ps1filenames.py then fitscut.cgi, one file per band.</summary>
    PanStarrsFitscut,
    /// <summary>Legacy Surveys viewer fits-cutout: one cube per survey, a layer per survey.</summary>
    LegacySurveysViewer,
}
