"""Peer for Telea inpainting: cv2.inpaint(img, isnan(img), radius, INPAINT_TELEA) as preprocess.NAN_interpolation2 calls it.

usage: published_telea.py OUTDIR [FITS ...]
Writes OUTDIR/<case>.in.f32 (float32 image with NaNs, row-major) and OUTDIR/<case>.cv.f32 (OpenCV's result) for
simulated masks on a synthetic PS1-like image, and for every given FITS file that holds NaNs (the mock universe's
PS1 defects: bright-star masks, chip gaps). Prints {"opencv": version, "cases": [{"name", "width", "height", "nan"}]}.
"""
import json, os, sys
import numpy as np
import cv2
from astropy.io import fits

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(16)
cases = []


def add(name, img, radius=3):
    img = np.ascontiguousarray(img, dtype=np.float32)
    mask = np.isnan(img).astype(np.uint8)
    res = cv2.inpaint(img.astype(np.float32), mask, radius, cv2.INPAINT_TELEA)
    img.tofile(os.path.join(out, name + ".in.f32"))
    np.ascontiguousarray(res, dtype=np.float32).tofile(os.path.join(out, name + ".cv.f32"))
    cases.append({"name": name, "width": int(img.shape[1]), "height": int(img.shape[0]), "nan": int(mask.sum()), "radius": radius})


def galaxy(n=170):
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    c = (n - 1) / 2
    r2 = ((x - c) ** 2 + 0.6 * (y - c) ** 2) / 36.0
    img = 400 * np.exp(-np.sqrt(r2)) + rng.normal(0, 8, (n, n)) + 20 * np.exp(-((x - 30) ** 2 + (y - 120) ** 2) / 8)
    return img.astype(np.float32)


def masked(fn):
    img = galaxy()
    m = np.zeros(img.shape, bool)
    fn(m)
    img[m] = np.nan
    return img


add("single_pixel", masked(lambda m: m.__setitem__((84, 84), True)))
add("block_3x3", masked(lambda m: m.__setitem__((slice(80, 83), slice(90, 93)), True)))
add("chip_gap_vertical", masked(lambda m: m.__setitem__((slice(None), slice(100, 103)), True)))
add("chip_gap_segment", masked(lambda m: m.__setitem__((slice(20, 140), slice(40, 42)), True)))
add("row_first", masked(lambda m: m.__setitem__((0, slice(10, 60)), True)))
add("row_last", masked(lambda m: m.__setitem__((169, slice(10, 60)), True)))
add("col_first", masked(lambda m: m.__setitem__((slice(30, 90), 0), True)))
add("col_last_two", masked(lambda m: m.__setitem__((slice(30, 90), slice(168, 170)), True)))
add("corner", masked(lambda m: m.__setitem__((slice(0, 12), slice(0, 12)), True)))
add("second_row", masked(lambda m: m.__setitem__((1, slice(5, 50)), True)))


def star(m):
    y, x = np.mgrid[0:170, 0:170]
    m[(x - 60) ** 2 + (y - 70) ** 2 <= 36] = True


add("star_blob", masked(star))
add("scattered_half_percent", masked(lambda m: m.__setitem__(np.unravel_index(rng.choice(170 * 170, 145, replace=False), m.shape), True)))
add("hole_30", masked(lambda m: m.__setitem__((slice(70, 100), slice(70, 100)), True)))
add("radius_1", masked(star), radius=1)
add("radius_5", masked(star), radius=5)
small = np.full((20, 20), 5.0, np.float32)
small[8:11, 8:11] = np.nan
add("constant_small", small)
add("no_nan", galaxy())

for path in sys.argv[2:]:
    data = fits.getdata(path).astype(np.float32)
    if np.isnan(data).any():
        add("fits_" + os.path.basename(path).replace(".fits", "").replace(".", "_"), data)

print(json.dumps({"opencv": cv2.__version__, "cases": cases}))
