"""The plain-Python forced photo-z from FITS files, the peer `mantis bench predict` times against `predict --positions`:
astropy reads each position's 7 reference-named cutouts, numpy/torchvision apply the engine's input transforms (GALEX
clip(x / 0.05, 0, 1); PS1 asinh(0.08 x) / 8 and unWISE asinh(0.6 x) / 6, floored at 0; NaN -> 0; centre crops 22 / 120 /
22; GALEX and unWISE resized to 120, bilinear, antialiased), and the plain-PyTorch network of the conformance suite
(tests/MantisShrimp.Conformance.Tests/peers/photoz_torch.py, imported, not copied) runs batches on the state dict that
`mantis export-weights` wrote. What a user would write in an afternoon: one process, decoding in the main thread,
torch.set_num_threads(THREADS) for the network.

  predict_peer.py SPEC.json

SPEC: photoz_torch's network keys (arch, dims, depths, conv_mlp, channels, head_width, classes) plus "weights" (.pth),
"cutouts" (folder), "positions" (CSV: name,ebv_csfd,ebv_planck), "batch", "threads", "out" (PDFs, float32 little-endian).
Prints {"galaxies", "seconds" (decode + network, model load excluded), "torch"}.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from astropy.io import fits
from torchvision import transforms

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "MantisShrimp.Conformance.Tests", "peers"))
import photoz_torch  # noqa: E402

UPSAMPLE = transforms.Resize((120, 120), antialias=True)


def planes(path, codes):
    """A GALEX or unWISE cube's planes in the order of codes (the BANDS card says how the file stores them)."""
    with fits.open(path, memmap=False) as f:
        data = np.asarray(f[0].data, dtype=np.float32)
        stored = (f[0].header.get("BANDS") or codes).strip()
    return data[[stored.index(c) for c in codes]]


def centre(a, n):
    y0, x0 = (a.shape[-2] - n) // 2, (a.shape[-1] - n) // 2
    return a[..., y0:y0 + n, x0:x0 + n]


def sample(cutouts, name):
    galex = planes(os.path.join(cutouts, f"{name}.Galex.fits"), "fn")  # FUV, NUV
    ps1 = np.stack([fits.getdata(os.path.join(cutouts, f"{name}.{b}.fits"), memmap=False).astype(np.float32) for b in "grizy"])
    unwise = planes(os.path.join(cutouts, f"{name}.Unwise.fits"), "12")
    galex = np.clip(centre(galex, 22) / 0.05, 0, 1)
    ps1 = np.maximum(np.arcsinh(0.08 * centre(ps1, 120)) / 8, 0)
    unwise = np.maximum(np.arcsinh(0.6 * centre(unwise, 22)) / 6, 0)
    g, p, u = (torch.from_numpy(np.nan_to_num(np.ascontiguousarray(a), nan=0.0, posinf=0.0, neginf=0.0)) for a in (galex, ps1, unwise))
    return torch.cat([UPSAMPLE(g), p, UPSAMPLE(u)], 0)


def main(spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    torch.set_num_threads(spec["threads"])
    model = photoz_torch.build(spec)
    model.load_state_dict(torch.load(spec["weights"], map_location="cpu"))
    model.eval()
    with open(spec["positions"]) as f:
        rows = [line.rstrip("\n").split(",") for line in f][1:]
    batch = spec["batch"]
    out = []
    start = time.perf_counter()
    with torch.no_grad():
        for first in range(0, len(rows), batch):
            chunk = rows[first:first + batch]
            x = torch.stack([sample(spec["cutouts"], r[0]) for r in chunk])
            e = torch.tensor([[float(r[1]), float(r[2])] for r in chunk], dtype=torch.float32)
            out.append(F.softmax(model([x], e), 1))
    seconds = time.perf_counter() - start
    torch.cat(out).numpy().astype("<f4").tofile(spec["out"])
    print(json.dumps({"galaxies": len(rows), "seconds": seconds, "torch": torch.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
