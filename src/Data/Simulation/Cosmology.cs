namespace MantisShrimp.Engine.Simulation;

/// <summary>
/// Flat ΛCDM distances (H0 = 70 km/s/Mpc, Ωm = 0.3 by default), tabulated once on a fine redshift grid and
/// interpolated — the simulator asks for thousands of distances per second.
/// </summary>
public sealed class Cosmology
{
    public const double SpeedOfLightKmS = 299_792.458;
    private const double TableStep = 1e-3;
    private const double TableMax = 3.0;

    private readonly double[] _comoving; // Mpc, at z = i·TableStep

    public Cosmology(double h0 = 70.0, double omegaM = 0.3)
    {
        H0 = h0;
        OmegaM = omegaM;
        int n = (int)(TableMax / TableStep) + 1;
        _comoving = new double[n];
        double hubbleDistance = SpeedOfLightKmS / h0;
        double sum = 0;
        for (int i = 1; i < n; i++)
        {
            // Simpson's rule on each step.
            double za = (i - 1) * TableStep, zb = i * TableStep, zm = 0.5 * (za + zb);
            sum += TableStep / 6 * (InverseE(za) + 4 * InverseE(zm) + InverseE(zb));
            _comoving[i] = hubbleDistance * sum;
        }
    }

    public static Cosmology Default { get; } = new();

    public double H0 { get; }
    public double OmegaM { get; }

    private double InverseE(double z) => 1.0 / Math.Sqrt(OmegaM * Math.Pow(1 + z, 3) + (1 - OmegaM));

    /// <summary>Line-of-sight comoving distance (Mpc) = transverse comoving distance in a flat universe.</summary>
    public double ComovingDistanceMpc(double z)
    {
        if (z < 0 || z > TableMax) throw new ArgumentOutOfRangeException(nameof(z), $"z must be in [0, {TableMax}].");
        double x = z / TableStep;
        int i = Math.Min((int)x, _comoving.Length - 2);
        double f = x - i;
        return _comoving[i] * (1 - f) + _comoving[i + 1] * f;
    }

    public double LuminosityDistanceMpc(double z) => (1 + z) * ComovingDistanceMpc(z);

    public double AngularDiameterDistanceMpc(double z) => ComovingDistanceMpc(z) / (1 + z);

    /// <summary>Distance modulus m − M = 5 log10(d_L / 10 pc).</summary>
    public double DistanceModulus(double z) => 5 * Math.Log10(LuminosityDistanceMpc(z) * 1e5);

    /// <summary>Angle (arcsec) subtended by a proper length of 1 kpc at redshift <paramref name="z"/>.</summary>
    public double ArcsecPerKpc(double z) => 206.264806 / AngularDiameterDistanceMpc(z);

    /// <summary>Comoving volume element dV/dz per steradian (Mpc³), for redshift distributions.</summary>
    public double ComovingVolumeElement(double z)
    {
        double dc = ComovingDistanceMpc(z);
        return SpeedOfLightKmS / H0 * dc * dc * InverseE(z);
    }
}
