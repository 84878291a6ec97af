namespace MantisShrimp.Engine.Fits;

/// <summary>
/// Keyword look-up in one FITS header, with <see cref="FitsHeader"/>'s rules (first card with a value wins; HIERARCH keys
/// without the prefix; 'D' exponents and quoted numbers accepted). Implemented by the materialised
/// <see cref="FitsHeader"/> and by <see cref="FitsImageReader"/>, which reads the cards in place without allocating.
/// </summary>
public interface IFitsKeywords
{
    bool Contains(string keyword);

    bool TryGetDouble(string keyword, out double value);

    bool TryGetLong(string keyword, out long value);

    bool TryGetBool(string keyword, out bool value);

    /// <summary>The value text (strings unquoted, '' unescaped, trailing blanks dropped); valid until the next look-up.</summary>
    bool TryGetStringSpan(string keyword, out ReadOnlySpan<char> value);
}
