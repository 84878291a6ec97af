namespace MantisShrimp.Engine.Spectroscopy;

/// <summary>The verdict on one survey row.</summary>
public readonly record struct SurveyEntry(string SurveyId, double Ra, double Dec, double Z, string Quality);
