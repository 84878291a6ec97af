using System.Globalization;
using System.Text.RegularExpressions;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Sky;

/// <summary>
/// Right ascension and declination as people write them, to degrees — astropy's convention for
/// <c>SkyCoord(ra, dec, unit=(u.hourangle, u.deg))</c> with one exception astronomers expect: a plain number is degrees
/// for RA too.
/// <list type="bullet">
/// <item>decimal degrees: <c>100.29625</c>, <c>-30.5</c>, <c>100.29625d</c>, <c>100.29625°</c></item>
/// <item>RA sexagesimal hours: <c>06:41:11.1</c>, <c>06 41 11.1</c>, <c>6h41m11.1s</c>, <c>6h41m</c></item>
/// <item>sexagesimal degrees (Dec always; RA with explicit d): <c>+00:56:00</c>, <c>-00 56 00</c>, <c>+00d56m00s</c>,
/// <c>0°56′00″</c></item>
/// </list>
/// The sign belongs to the whole angle (<c>-00:30:00</c> is −0.5°). Minutes and seconds must be below 60.
/// Range checks (RA in [0, 360), Dec in [−90, 90]) stay with <c>SkyPosition.Checked</c> in the Services assembly, which this one cannot
/// reference.
/// </summary>
public static class Coordinates
{
    private const string Hint = "give decimal degrees (100.29625) or sexagesimal (06:41:11.1, 6h41m11.1s, +00:56:00, +00d56m00s)";

    // Three fields separated by ':' or blanks, the last two optional: D[:M[:S]].
    private static readonly Regex Sexagesimal =
        new(@"^(?<sign>[+\-−]?)(?<a>\d+(?:\.\d*)?)(?:[:\s]+(?<b>\d+(?:\.\d*)?)(?:[:\s]+(?<c>\d+(?:\.\d*)?))?)?$",
        RegexOptions.CultureInvariant);

    // Unit letters: 6h41m11.1s, 0d56m00s, 0°56′00″ (′ ' and ″ " accepted).
    private static readonly Regex Lettered = new(
        @"^(?<sign>[+\-−]?)(?<a>\d+(?:\.\d*)?)(?<u>[hd°])\s*(?:(?<b>\d+(?:\.\d*)?)[m′']\s*)?(?:(?<c>\d+(?:\.\d*)?)[s″""]?)?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Right ascension in degrees. <paramref name="what"/> names the field in errors (e.g. "--ra" or "file, line 3:
    /// ra").</summary>
    public static double ParseRa(string text, string what = "RA") => Parse(text, what, isRa: true);

    /// <summary>Declination in degrees.</summary>
    public static double ParseDec(string text, string what = "Dec") => Parse(text, what, isRa: false);

    private static double Parse(string text, string what, bool isRa)
    {
        string s = (text ?? "").Trim();
        if (s.Length == 0) throw new UserInputException($"{what} is empty: {Hint}");
        if (double.TryParse(s.TrimEnd('d', 'D', '°'), NumberStyles.Float, CultureInfo.InvariantCulture, out double plain)
            && !s.Contains(' ') && !s.Contains(':'))
        {
            if (!double.IsFinite(plain)) throw new UserInputException($"{what} '{text}' is not a finite angle");
            return plain;
        }
        var m = Sexagesimal.Match(s);
        bool hours = isRa;
        if (!m.Success)
        {
            m = Lettered.Match(s);
            if (!m.Success) throw new UserInputException($"{what} '{text}' is not an angle: {Hint}");
            hours = char.ToLowerInvariant(m.Groups["u"].Value[0]) == 'h';
            if (hours && !isRa) throw new UserInputException($"{what} '{text}': a declination is in degrees (d or °), not hours");
        }
        double a = Number(m.Groups["a"].Value), b = Number(m.Groups["b"].Value), c = Number(m.Groups["c"].Value);
        if (b >= 60 || c >= 60) throw new UserInputException($"{what} '{text}': minutes and seconds must be below 60");
        if (hours && a >= 24) throw new UserInputException($"{what} '{text}': {a} h is 24 hours or more (sexagesimal RA is in hours; " +
            $"degrees are a plain number)");
        double value = a + b / 60 + c / 3600;
        if (m.Groups["sign"].Value is "-" or "−") value = -value;
        return hours ? value * 15 : value;
    }

    private static double Number(string s) => s.Length == 0 ? 0 : double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
