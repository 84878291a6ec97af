"""sep 1.2 on the cutouts the test wrote: the paper's target rule, one result per cutout, as JSON.

argv: manifest.json (a list of {"size", "offset", "radius", "gain"}; offset in float32s into pixels.bin), pixels.bin.
Per cutout: sep.Background (bw = bh = 64, fw = fh = 3), sep.extract(data - back, 2, err=globalrms) with sep's
defaults (minarea 5, 3x3 conv kernel, 32 thresholds, contrast 0.005, clean, clean_param 1), the detection nearest
the centre within 5 px measured in its Kron ellipse (kron_radius r = 6, sum_ellipse 2.5 x kr, subpix 5, err =
globalrms; also with the gain when given, untimed), else sum_circle of the static radius at the centre.
Timing: time.perf_counter around the sep calls of each cutout only (no interpreter start, no file I/O, no JSON);
"t" is each cutout's best over "repeats" passes.
"""
import json
import sys
import time

import numpy as np
import sep

MATCH_RADIUS = 5.0


def measure(data, radius):
    """The paper's rule; returns the result and a function giving sep's flux error of the same aperture with a gain."""
    mask = ~np.isfinite(data)
    has_mask = bool(mask.any())
    if has_mask:
        data = np.where(mask, 0, data).astype(np.float32)
    m = mask if has_mask else None
    bkg = sep.Background(data, mask=m)
    sub = data - bkg.back()
    rms = bkg.globalrms
    objs = sep.extract(sub, 2.0, err=rms, mask=m)
    c = (data.shape[0] - 1) / 2.0
    out = {"back": float(bkg.globalback), "rms": float(rms), "n": int(len(objs))}
    if len(objs):
        d = np.hypot(objs["x"] - c, objs["y"] - c)
        i = int(np.argmin(d))
        o = objs[i:i + 1]
        if d[i] <= MATCH_RADIUS:
            kr, _ = sep.kron_radius(sub, o["x"], o["y"], o["a"], o["b"], o["theta"], 6.0, mask=m)
            if kr[0] > 0:
                f, fe, _ = sep.sum_ellipse(sub, o["x"], o["y"], o["a"], o["b"], o["theta"], 2.5 * kr, err=rms, mask=m)
                if np.isfinite(f[0]):
                    out.update(method="kron", x=float(o["x"][0]), y=float(o["y"][0]), a=float(o["a"][0]), b=float(o["b"][0]),
                               theta=float(o["theta"][0]), kron=float(kr[0]), flux=float(f[0]), fluxerr=float(fe[0]))
                    return out, lambda g: float(sep.sum_ellipse(sub, o["x"], o["y"], o["a"], o["b"], o["theta"], 2.5 * kr,
                                                                err=rms, mask=m, gain=g)[1][0])
    f, fe, _ = sep.sum_circle(sub, [c], [c], radius, err=rms, mask=m)
    out.update(method="static", x=c, y=c, flux=float(f[0]), fluxerr=float(fe[0]))
    return out, lambda g: float(sep.sum_circle(sub, [c], [c], radius, err=rms, mask=m, gain=g)[1][0])


def main():
    manifest = json.load(open(sys.argv[1]))
    pixels = np.fromfile(sys.argv[2], dtype=np.float32)
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    images = [pixels[e["offset"]:e["offset"] + e["size"] ** 2].reshape(e["size"], e["size"]).copy() for e in manifest]
    results = [None] * len(images)
    for _ in range(repeats):
        for k, (img, e) in enumerate(zip(images, manifest)):
            t0 = time.perf_counter()
            r, with_gain = measure(img, e["radius"])
            r["t"] = time.perf_counter() - t0
            if e.get("gain") is not None:
                r["fluxerr_gain"] = with_gain(e["gain"])  # outside the timed part
            if results[k] is not None:
                r["t"] = min(r["t"], results[k]["t"])
            results[k] = r
    print(json.dumps({"sep": sep.__version__, "results": results}))


if __name__ == "__main__":
    main()
