"""HEALPix conformance: healpy's ang2pix / pix2ang on the test's points.

Usage: healpix.py DIR NSIDE... Reads DIR/theta.f64, DIR/phi.f64 (radians, little-endian float64) and DIR/pix.i64
(pixel indices, taken modulo 12 nside^2 per nside). Writes DIR/ring_N.i64, DIR/nest_N.i64 (ang2pix) and
DIR/ring_ang_N.f64, DIR/nest_ang_N.f64 (pix2ang: theta, phi interleaved) for each NSIDE; prints what it did.
"""
import json
import os
import sys

import healpy as hp
import numpy as np

out = sys.argv[1]
theta = np.fromfile(os.path.join(out, "theta.f64"), "<f8")
phi = np.fromfile(os.path.join(out, "phi.f64"), "<f8")
pix = np.fromfile(os.path.join(out, "pix.i64"), "<i8")
for nside in map(int, sys.argv[2:]):
    p = pix % hp.nside2npix(nside)
    for scheme, nest in (("ring", False), ("nest", True)):
        hp.ang2pix(nside, theta, phi, nest=nest).astype("<i8").tofile(os.path.join(out, f"{scheme}_{nside}.i64"))
        t, f = hp.pix2ang(nside, p, nest=nest)
        np.stack([t, f], axis=1).astype("<f8").tofile(os.path.join(out, f"{scheme}_ang_{nside}.f64"))
json.dump({"healpy": hp.__version__, "points": int(theta.size), "pixels": int(pix.size)}, sys.stdout)
