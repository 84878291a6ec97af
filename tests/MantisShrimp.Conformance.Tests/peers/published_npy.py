"""Peer for the .npy reader: numpy.save / numpy.lib.format writes arrays in format 1.0, 2.0 and 3.0, float32/float64,
little and big endian, plus files the reader must refuse. usage: published_npy.py OUTDIR; prints
{"files": [{"name", "values": [...], "shape": [...]}], "bad": [names]}."""
import json, os, sys
import numpy as np
from numpy.lib import format as npf

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)
files, bad = [], []
for version in [(1, 0), (2, 0), (3, 0)]:
    for dtype in ["<f4", ">f4", "<f8", ">f8"]:
        for shape in [(83,), (2, 5), ()]:
            a = rng.normal(size=shape).astype(dtype)
            name = f"v{version[0]}_{dtype.replace('<', 'le').replace('>', 'be')}_{len(shape)}d.npy"
            with open(os.path.join(out, name), "wb") as f:
                npf.write_array(f, a, version=version)
            files.append({"name": name, "values": [float(v) for v in np.ravel(a)], "shape": list(shape)})
np.save(os.path.join(out, "np_save.npy"), rng.normal(size=83))  # numpy's default path (the published files' writer)
files.append({"name": "np_save.npy", "values": [float(v) for v in np.load(os.path.join(out, "np_save.npy"))], "shape": [83]})


def write_bad(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    bad.append(name)


good = open(os.path.join(out, "v1_lef8_1d.npy"), "rb").read()
write_bad("truncated.npy", good[:-8])
write_bad("not_npy.npy", b"hello world, not numpy")
write_bad("int64.npy", (lambda p: (np.save(p, np.arange(5)), open(p, "rb").read())[1])(os.path.join(out, "tmp_int.npy")))
with open(os.path.join(out, "fortran.npy"), "wb") as f:
    npf.write_array(f, np.asfortranarray(rng.normal(size=(3, 4))))
bad.append("fortran.npy")
write_bad("version9.npy", good[:6] + bytes([9, 0]) + good[8:])
print(json.dumps({"files": files, "bad": bad}))
