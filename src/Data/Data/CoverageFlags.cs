using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Data;

/// <summary>Which flag marks a survey's missing coverage (<see cref="SurveyInfo.AllZeroMeansNoCoverage"/>).</summary>
public static class CoverageFlags
{
    /// <summary>The flag set when all of <paramref name="survey"/>'s planes are zero; a new such survey needs a flag bit of its
    /// own.</summary>
    public static SampleFlags NoCoverage(SurveyInfo survey) => survey.Survey switch
    {
        Survey.Galex => SampleFlags.GalexNoCoverage,
        Survey.Unwise => SampleFlags.UnwiseNoCoverage,
        _ => throw new ArgumentException($"{survey.Name} has no no-coverage flag"),
    };
}
