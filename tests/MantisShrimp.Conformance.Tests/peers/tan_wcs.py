"""TAN WCS conformance: astropy.wcs (wcslib) on the headers the test generated.

Usage: tan_wcs.py CASES.json. CASES = [{"cards": [[key, value], ...], "pixels": [[x, y], ...], "sky": [[ra, dec], ...]}];
pixels are FITS 1-based. Prints [{"sky": [[ra, dec], ...] for the pixels, "pixels": [[x, y], ...] for the sky points,
"lonpole": wcslib's LONPOLE}] in the same order.
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

cases = json.load(open(sys.argv[1]))
out = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # old-style PC00i00j keywords are deprecated, still read
    for case in cases:
        h = fits.Header()
        h["NAXIS"] = 2
        for key, value in case["cards"]:
            h[key] = value
        w = WCS(h)
        sky = w.all_pix2world(np.array(case["pixels"], dtype=np.float64), 1)
        pix = w.all_world2pix(np.array(case["sky"], dtype=np.float64), 1)
        out.append({"sky": sky.tolist(), "pixels": pix.tolist(), "lonpole": float(w.wcs.lonpole)})
json.dump(out, sys.stdout)
