"""FITS write conformance: the engine writes the files, astropy and fitsverify judge them.

Usage: fits_write.py DIR. For every DIR/*.fits: astropy's verify('exception'), fitsverify's warning and error
counts, and what astropy reads back — each image HDU's scaled data to NAME.hduN.astropy.f32 (little-endian
float32, astropy's physical values), each BINTABLE's columns as JSON lists, and the primary header's values.
"""
import glob
import json
import os
import re
import subprocess
import sys

import numpy as np
from astropy.io import fits

out = sys.argv[1]
result = {}
for path in sorted(glob.glob(os.path.join(out, "*.fits"))):
    name = os.path.basename(path)
    entry = {"hdus": [], "header": {}}
    try:
        with fits.open(path) as f:
            f.verify("exception")
        entry["verify"] = "ok"
    except Exception as e:  # the failure is the figure
        entry["verify"] = f"{type(e).__name__}: {e}"
    fv = subprocess.run(["fitsverify", path], capture_output=True, text=True)
    m = re.search(r"Verification found (\d+) warning\(s\) and (\d+) error\(s\)", fv.stdout)
    entry["fitsverify"] = {"warnings": int(m.group(1)) if m else -1, "errors": int(m.group(2)) if m else -1,
                           "text": fv.stdout[-3000:] if not m or m.group(1) != "0" or m.group(2) != "0" else "",
                           "warning_lines": sorted({ln.strip() for ln in fv.stdout.splitlines() if ln.strip().startswith("*** Warning")})}
    with fits.open(path) as f:
        for i, hdu in enumerate(f):
            h = {"index": i, "kind": type(hdu).__name__}
            if isinstance(hdu, fits.BinTableHDU):
                cols = {}
                for c in hdu.columns:
                    v = hdu.data[c.name]
                    if v.dtype.kind in "SU":
                        cols[c.name] = [str(s) for s in v]
                    elif v.dtype.kind == "b":
                        cols[c.name] = [bool(b) for b in np.ravel(v)]
                    elif v.dtype.kind == "f":
                        cols[c.name] = [float(x) for x in np.ravel(v)]
                    else:
                        cols[c.name] = [int(x) for x in np.ravel(v)]
                h["columns"] = cols
                h["formats"] = {c.name: c.format for c in hdu.columns}
            elif hdu.data is not None:
                data = np.asarray(hdu.data, dtype=np.float64).astype("<f4")
                h["shape"] = list(data.shape)
                h["data"] = f"{name}.hdu{i}.astropy.f32"
                data.tofile(os.path.join(out, h["data"]))
            entry["hdus"].append(h)
        for k, v in f[0].header.items():
            if k not in ("COMMENT", "HISTORY", ""):
                entry["header"][k] = v if isinstance(v, str) else repr(v)
        entry["history"] = [str(x) for x in f[0].header.get("HISTORY", [])]
    result[name] = entry
json.dump(result, sys.stdout)
