namespace MantisShrimp.Engine.Dust;

/// <summary>The sky coordinates a HEALPix map is pixelised in (FITS keyword COORDSYS, as healpy writes it).</summary>
public enum HealpixFrame
{
    /// <summary>COORDSYS 'G' or 'GALACTIC' (the published dust maps), and the default when COORDSYS is absent.</summary>
    Galactic,

    /// <summary>COORDSYS 'C', 'Q', 'EQUATORIAL' or 'CELESTIAL': ICRS right ascension and declination.</summary>
    Equatorial,

    /// <summary>COORDSYS 'E' or 'ECLIPTIC': the J2000 mean ecliptic (<see cref="Sky.Ecliptic"/>).</summary>
    Ecliptic,
}
