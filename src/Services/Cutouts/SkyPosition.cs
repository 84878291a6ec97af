using System.Globalization;
using MantisShrimp.Engine.Common;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>A sky position a cutout request may ask for; RA in [0, 360), Dec in [−90, 90] and within the PS1 footprint.</summary>
public readonly record struct SkyPosition(double Ra, double Dec)
{
    /// <summary>Pan-STARRS 3π covers Dec ≥ −30° (paper §3.1).</summary>
    public const double Ps1MinDec = -30.0;

    public static SkyPosition Checked(double ra, double dec, string? label = null)
    {
        string who = label is null ? "" : $"{label}: ";
        if (!double.IsFinite(ra) || ra < 0 || ra >= 360) throw new UserInputException($"{who}RA {ra} is outside [0, 360) degrees");
        if (!double.IsFinite(dec) || dec < -90 || dec > 90) throw new UserInputException($"{who}Dec {dec} is outside [−90, 90] degrees");
        if (dec < Ps1MinDec) throw new UserInputException($"{who}Dec {dec} is outside the Pan-STARRS footprint (Dec ≥ −30°): no PS1 " +
            $"cutouts exist there");
        return new SkyPosition(ra, dec);
    }

    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Ra:0.000000}_{Dec:+0.000000;-0.000000}");
}
