namespace MantisShrimp.Engine.Dust;

/// <summary>
/// The two E(B−V) maps the model takes as inputs (paper §4.1): CSFD (Chiang 2023) and Planck 2013 thermal
/// dust, in the files and layouts the public releases use.
/// </summary>
public sealed class DustMaps(HealpixMap csfd, HealpixMap planck)
{
    public const string CsfdFile = "csfd_ebv.fits", CsfdColumn = "T";
    public const string PlanckFile = "HFI_CompMap_ThermalDustModel_2048_R1.20.fits", PlanckExtension = "COMP-MAP", PlanckColumn = "EBV";

    public HealpixMap Csfd { get; } = csfd;
    public HealpixMap Planck { get; } = planck;

    /// <summary>Loads both maps from a folder holding the two files.</summary>
    public static DustMaps Load(string directory)
    {
        string c = Path.Combine(directory, CsfdFile), p = Path.Combine(directory, PlanckFile);
        foreach (var f in new[] { c, p })
            if (!File.Exists(f)) throw new Common.UserInputException($"Dust map not found: {f}");
        return new DustMaps(HealpixMap.Load(c, CsfdColumn), HealpixMap.Load(p, PlanckColumn, PlanckExtension));
    }

    /// <summary>E(B−V) from both maps at an ICRS position (nearest pixel in each map's frame, Galactic for the published maps).</summary>
    public (double Csfd, double Planck) At(double raDeg, double decDeg) => (Csfd.AtIcrs(raDeg, decDeg), Planck.AtIcrs(raDeg, decDeg));
}
