"""Reads a table the engine wrote (FITS or ECSV) with astropy's Table.read, as an astronomer would, and prints what
it found: per column the unit astropy parsed, the dtype, the shape of one cell and every value (NaN and masked as
null), the table's meta, and for FITS the output of fitsverify."""
import json
import math
import subprocess
import sys

import numpy as np
from astropy.table import Table


def cell(v):
    if np.ma.is_masked(v):
        return None
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode()
    if isinstance(v, str):
        return v
    if isinstance(v, np.ndarray):
        return [cell(x) for x in v.tolist()]
    f = float(v)
    return None if math.isnan(f) else f


path = sys.argv[1]
t = Table.read(path)
columns = {}
for name in t.colnames:
    c = t[name]
    columns[name] = {
        "unit": None if c.unit is None else c.unit.to_string(),
        "dtype": c.dtype.kind,
        "shape": list(c.shape[1:]),
        "values": [cell(v) for v in c],
    }
out = {"rows": len(t), "columns": columns, "meta": {k: str(v) for k, v in t.meta.items()}}
if path.endswith(".fits"):
    r = subprocess.run(["fitsverify", "-e", path], capture_output=True, text=True)
    out["fitsverify"] = {"rc": r.returncode, "output": r.stdout + r.stderr}
json.dump(out, sys.stdout)
