"""Independent bootstrap of the point-estimate metrics with numpy.

Usage: bootstrap.py SCORES.csv RESAMPLES SEED
SCORES.csv has columns z_spec,z_mean. Prints JSON with each metric and its bootstrap standard error
(sample std, ddof=1, over RESAMPLES resamples with replacement drawn by numpy's PCG64), using the
definitions of the paper: r = (z_mean - z_spec) / (1 + z_spec), NMAD = 1.4826 median|r - median r|,
bias = mean r, eta_X = 100 * fraction with |r| > X.
"""
import json
import sys

import numpy as np


def metrics(r):
    med = np.median(r, axis=-1, keepdims=True)
    return {
        "nmad": 1.4826 * np.median(np.abs(r - med), axis=-1),
        "bias": r.mean(axis=-1),
        "eta_0p05": 100.0 * (np.abs(r) > 0.05).mean(axis=-1),
        "eta_0p15": 100.0 * (np.abs(r) > 0.15).mean(axis=-1),
    }


def main():
    path, resamples, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = np.genfromtxt(path, delimiter=",", names=True)
    r = (data["z_mean"] - data["z_spec"]) / (1.0 + data["z_spec"])
    rng = np.random.default_rng(seed)
    out = {k: float(v) for k, v in metrics(r).items()}
    out["n"] = int(r.size)
    chunks = []
    for start in range(0, resamples, 1000):  # 1000 resamples at a time keeps memory small
        b = min(1000, resamples - start)
        idx = rng.integers(0, r.size, size=(b, r.size))
        chunks.append(metrics(r[idx]))
    for k in ("nmad", "bias", "eta_0p05", "eta_0p15"):
        out[k + "_se"] = float(np.std(np.concatenate([c[k] for c in chunks]), ddof=1))
    json.dump(out, sys.stdout)


main()
