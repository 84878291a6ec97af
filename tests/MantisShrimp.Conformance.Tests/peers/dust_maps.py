"""Dust-map conformance: healpy writes HEALPix E(B-V) maps and looks them up at the test's ICRS positions.

Usage: dust_maps.py DIR SEED. Reads DIR/radec.f64 (ra, dec degrees interleaved). Writes maps with healpy.write_map in
Galactic, equatorial and ecliptic coordinates, RING and NESTED, and one COORDSYS this reader does not know; for each
known map, the value healpy reads at every position to DIR/NAME.values.f32. Positions are converted to the map's frame
independently of the engine: Galactic by the Hipparcos definition (and, counted apart, by astropy), equatorial as given, ecliptic by a numpy rotation
about x by the IAU 1976 J2000 mean obliquity (84381.448 arcsec). Also reports how far healpy's own Rotator and astropy's
BarycentricMeanEcliptic put the ecliptic positions from that rotation (arcsec).
"""
import json
import os
import sys
import warnings

import astropy.units as u
import healpy as hp
import numpy as np
from astropy.coordinates import BarycentricMeanEcliptic, SkyCoord
from astropy.io import fits

out, seed = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(seed)
radec = np.fromfile(os.path.join(out, "radec.f64"), "<f8").reshape(-1, 2)
ra, dec = radec[:, 0], radec[:, 1]
icrs = SkyCoord(ra=ra * u.deg, dec=dec * u.deg, frame="icrs")
gal = icrs.galactic

# Galactic as the Hipparcos catalogue defines it from ICRS (vol. 1, sec. 1.5.3, matrix A_G'). astropy reaches Galactic
# through FK5 and FK4 instead, which puts positions about 0.02 arcsec elsewhere: look-ups within that of a pixel edge
# may differ, so those are counted separately.
A_G = np.array([[-0.0548755604162154, -0.8734370902348850, -0.4838350155487132],
                [+0.4941094278755837, -0.4448296299600112, +0.7469822444972189],
                [-0.8676661490190047, -0.1980763734312015, +0.4559837761750669]])
v = hp.ang2vec(ra, dec, lonlat=True)
hip_l, hip_b = hp.vec2ang(v @ A_G.T, lonlat=True)

eps = np.deg2rad(84381.448 / 3600.0)
ecl_vec = np.stack([v[:, 0], np.cos(eps) * v[:, 1] + np.sin(eps) * v[:, 2], -np.sin(eps) * v[:, 1] + np.cos(eps) * v[:, 2]], 1)
ecl_lon, ecl_lat = hp.vec2ang(ecl_vec, lonlat=True)


def sep_arcsec(lon1, lat1, lon2, lat2):
    a = hp.ang2vec(lon1, lat1, lonlat=True)
    b = hp.ang2vec(lon2, lat2, lonlat=True)
    return float(np.max(np.degrees(np.arctan2(np.linalg.norm(np.cross(a, b), axis=1), np.sum(a * b, axis=1)))) * 3600)


rot_lon, rot_lat = hp.Rotator(coord=["C", "E"])(ra, dec, lonlat=True)
ap = icrs.transform_to(BarycentricMeanEcliptic(equinox="J2000"))
figures = {
    "healpy_rotator_vs_iau1976_arcsec": sep_arcsec(rot_lon, rot_lat, ecl_lon, ecl_lat),
    "astropy_ecliptic_vs_iau1976_arcsec": sep_arcsec(ap.lon.deg, ap.lat.deg, ecl_lon, ecl_lat),
    "astropy_galactic_vs_hipparcos_arcsec": sep_arcsec(gal.l.deg, gal.b.deg, hip_l, hip_b),
}

maps = []
frames = {"G": (hip_l, hip_b), "C": (ra, dec), "E": (ecl_lon, ecl_lat)}
variants = [("csfd_like_G_ring", 256, False, "G", "T", None), ("G_nest", 128, True, "G", "EBV", None),
            ("planck_like_GALACTIC_nest", 64, True, None, "EBV", "GALACTIC"),
            ("C_ring", 128, False, "C", "EBV", None), ("C_nest", 64, True, "C", "EBV", None),
            ("E_ring", 32, False, "E", "EBV", None), ("E_nest", 16, True, "E", "EBV", None),
            ("unknown_X", 8, False, None, "EBV", "X")]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for name, nside, nest, coord, column, spelled in variants:
        m = rng.uniform(0, 1, hp.nside2npix(nside)).astype(np.float32)
        path = os.path.join(out, name + ".fits")
        extra = [("COORDSYS", spelled)] if spelled else []
        hp.write_map(path, m, nest=nest, coord=coord, column_names=[column], dtype=np.float32, extra_header=extra)
        entry = {"name": name, "file": name + ".fits", "column": column, "nside": nside, "nest": nest}
        frame = (coord or spelled or "")[0]
        if frame in frames:
            ring = hp.read_map(path, field=0, nest=False, dtype=np.float32)  # healpy reorders a NESTED file to RING
            lon, lat = frames[frame]
            ring[hp.ang2pix(nside, lon, lat, lonlat=True)].astype("<f4").tofile(os.path.join(out, name + ".values.f32"))
            entry["values"] = name + ".values.f32"
            if frame == "G":
                p = hp.ang2pix(nside, gal.l.deg, gal.b.deg, lonlat=True)
                ring[p].astype("<f4").tofile(os.path.join(out, name + ".astropy.f32"))
                entry["astropy_values"] = name + ".astropy.f32"
        entry["coordsys"] = fits.getheader(path, 1).get("COORDSYS")
        maps.append(entry)
json.dump({"maps": maps, "figures": figures}, sys.stdout)
