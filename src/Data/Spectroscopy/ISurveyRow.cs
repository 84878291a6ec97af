namespace MantisShrimp.Engine.Spectroscopy;

/// <summary>A row of a survey table, by column name (case-insensitive).</summary>
public interface ISurveyRow
{
    /// <summary>The field's text, or null when the column is absent.</summary>
    string? Get(string column);
}
