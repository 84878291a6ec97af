#!/usr/bin/python3
"""Writes the scores files of the metrics.json fixture (seeded numpy, no engine code): with_pdfs.csv (30 galaxies, PDFs,
three populations, mag_r and snr_r spanning bins of one and of several galaxies, one missing magnitude) and
no_pdfs.csv (5 galaxies, no PDFs: the PDF metrics have no value). The expected metrics.json and metrics.csv beside them
were written by `mantis evaluate` of the commit before the metrics became a typed record (README.md here)."""
import numpy as np

CLASSES, DZ = 400, 0.0025  # src/Astronomy/RedshiftGrid.cs


def write(path, n, pdfs, rng):
    zs = rng.uniform(0.02, 0.8, n)
    zm = zs + rng.normal(0, 0.03, n) * (1 + zs)
    zm[: n // 6] = rng.uniform(0.02, 0.8, n // 6)  # catastrophic outliers
    zm = np.clip(zm, 0.001, 0.99)
    pops = np.array(["LRG", "ELG", "QSO"])[rng.integers(0, 3, n)]
    mag = rng.uniform(17.5, 23.5, n)
    snr = rng.uniform(1, 120, n)
    cols = ["id", "z_spec", "z_mean", "z_lo90", "z_hi90", "population", "mag_r", "snr_r"]
    if pdfs:
        cols += [f"p_{k:03d}" for k in range(CLASSES)]
    lines = [",".join(cols)]
    centres = (np.arange(CLASSES) + 0.5) * DZ
    for i in range(n):
        f = [f"g{i:02d}", f"{zs[i]:.6f}", f"{zm[i]:.6f}", f"{zm[i] - 0.05:.6f}", f"{zm[i] + 0.05:.6f}", pops[i],
             "" if i == n - 1 else f"{mag[i]:.3f}", f"{snr[i]:.2f}"]
        if pdfs:
            p = np.exp(-0.5 * ((centres - zm[i]) / (0.01 + 0.02 * rng.random())) ** 2)
            p[p < 1e-3 * p.max()] = 0
            p /= p.sum()
            f += ["0" if v == 0 else f"{v:.5g}" for v in p]
        lines.append(",".join(f))
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


rng = np.random.default_rng(20)
write("with_pdfs.csv", 30, True, rng)
write("no_pdfs.csv", 5, False, rng)
