"""FITS read conformance: astropy writes the files, the engine reads them.

Usage: fits_read.py DIR SEED. Writes DIR/*.fits (every BITPIX, BSCALE/BZERO, BLANK, cubes, IMAGE extensions,
CONTINUE long strings, HIERARCH, a trailing all-zero block) and, per image HDU, two little-endian float32 files:
NAME.hduN.expected.f32 — the physical value computed in float64 from the stored integers (raw * BSCALE + BZERO,
BLANK -> NaN) and rounded once to float32, what a reader returning float32 must give exactly — and
NAME.hduN.astropy.f32 — astropy's own scaled read (it scales 8/16-bit data in float32 arithmetic, so it may
differ from the correctly rounded value by an ulp). Prints a manifest: files, their image HDUs and header values.
"""
import json
import os
import sys
import warnings

import numpy as np
from astropy.io import fits

out, seed = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(seed)
manifest = []


def ints(dtype, shape):
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)


def floats(dtype, shape):
    a = (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, size=shape)).astype(dtype)
    a.flat[rng.integers(0, a.size, 5)] = np.nan
    return a


def record(name, hdus_to_check, keys=None):
    path = os.path.join(out, name)
    entry = {"file": name, "hdus": [], "keys": keys or {}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fits.open(path, do_not_scale_image_data=True) as raw_list, fits.open(path) as scaled_list:
            for i in hdus_to_check:
                h = raw_list[i].header
                raw = raw_list[i].data
                phys = raw.astype(np.float64)
                if h["BITPIX"] > 0:
                    phys = phys * h.get("BSCALE", 1.0) + h.get("BZERO", 0.0)
                    if "BLANK" in h:
                        phys[raw == h["BLANK"]] = np.nan
                expected = phys.astype("<f4")
                astro = np.asarray(scaled_list[i].data, dtype=np.float64).astype("<f4")
                if "BLANK" in h and h["BITPIX"] > 0:
                    astro[raw == h["BLANK"]] = np.nan
                base = f"{name}.hdu{i}"
                expected.tofile(os.path.join(out, base + ".expected.f32"))
                astro.tofile(os.path.join(out, base + ".astropy.f32"))
                entry["hdus"].append({"index": i, "shape": list(raw.shape), "bitpix": h["BITPIX"],
                                      "expected": base + ".expected.f32", "astropy": base + ".astropy.f32"})
            for k in list(entry["keys"]):
                v = scaled_list[0].header[k]
                entry["keys"][k] = v if isinstance(v, str) else repr(v)
    manifest.append(entry)


shape2, shape3 = (23, 37), (3, 17, 29)

# Every BITPIX, unscaled.
for bitpix, dtype in [(8, np.uint8), (16, np.int16), (32, np.int32), (64, np.int64)]:
    name = f"bitpix{bitpix}.fits"
    fits.PrimaryHDU(ints(dtype, shape2)).writeto(os.path.join(out, name))
    record(name, [0])
for bitpix, dtype in [(-32, np.float32), (-64, np.float64)]:
    name = f"bitpix{-bitpix}f.fits"
    fits.PrimaryHDU(floats(dtype, shape2)).writeto(os.path.join(out, name))
    record(name, [0])

# astropy's own BZERO conventions: unsigned 16/32/64 and signed 8-bit.
for dtype in [np.uint16, np.uint32, np.uint64, np.int8]:
    name = f"{np.dtype(dtype).name}.fits"
    fits.PrimaryHDU(ints(dtype, shape2)).writeto(os.path.join(out, name))
    record(name, [0])

# BSCALE/BZERO by astropy's scale(): float data quantised to each integer type.
for bitpix, typ in [(8, "uint8"), (16, "int16"), (32, "int32"), (64, "int64")]:
    for bscale, bzero in [(0.25, 10.0), (1.7e-3, -3.5), (3.0, 1.0e4)]:
        name = f"scaled{bitpix}_{bscale:g}_{bzero:g}.fits"
        info = np.iinfo(typ)
        lo, hi = max(info.min, -1e6), min(info.max, 1e6)
        data = (rng.uniform(lo, hi, shape2) * bscale + bzero).astype(np.float64)
        hdu = fits.PrimaryHDU(data)
        hdu.scale(typ, bscale=bscale, bzero=bzero)
        hdu.writeto(os.path.join(out, name))
        record(name, [0])

# BLANK (with and without scaling).
for bitpix, dtype, blank in [(8, np.uint8, 255), (16, np.int16, -32768), (32, np.int32, -999), (64, np.int64, -1)]:
    for scaled in (False, True):
        name = f"blank{bitpix}{'_scaled' if scaled else ''}.fits"
        raw = ints(dtype, shape2)
        raw.flat[rng.integers(0, raw.size, 40)] = blank
        hdu = fits.PrimaryHDU(raw)
        hdu.header["BLANK"] = blank
        path = os.path.join(out, name)
        hdu.writeto(path)
        if scaled:
            # BSCALE/BZERO added to the header of raw integers (astropy keeps the stored values as they are).
            with fits.open(path, mode="update", do_not_scale_image_data=True) as f:
                f[0].header["BSCALE"] = 0.5
                f[0].header["BZERO"] = -7.0
        record(name, [0])

# Cubes (NAXIS3), float and scaled integer.
fits.PrimaryHDU(floats(np.float32, shape3)).writeto(os.path.join(out, "cube_f32.fits"))
record("cube_f32.fits", [0])
cube = fits.PrimaryHDU(rng.uniform(-100, 100, shape3))
cube.scale("int16", bscale=0.01, bzero=0.0)
cube.writeto(os.path.join(out, "cube_i16.fits"))
record("cube_i16.fits", [0])

# IMAGE extensions after an empty primary, one of them a cube; long strings and HIERARCH in the primary.
primary = fits.PrimaryHDU()
long_text = "a long string value that does not fit on one card, so astropy writes it with CONTINUE cards " * 3
primary.header["LONGSTR"] = long_text.strip()
primary.header["QUOTED"] = "it's \"quoted\""
primary.header["HIERARCH FPA.ZP"] = 25.0
primary.header["HIERARCH ESO DET CHIP NAME"] = "chip 7"
primary.header["HIERARCH LONG KEY WORD"] = "short"
for i in range(120):  # several header blocks
    primary.header[f"K{i:05d}"] = (float(rng.standard_normal()), "a filler card")
ext = fits.HDUList([primary,
                    fits.ImageHDU(floats(np.float32, shape2), name="SCI"),
                    fits.ImageHDU(ints(np.int32, shape3), name="CUBE"),
                    fits.ImageHDU(floats(np.float64, (5, 7)), name="SMALL")])
ext.writeto(os.path.join(out, "extensions.fits"))
record("extensions.fits", [1, 2, 3],
       keys={"LONGSTR": None, "QUOTED": None, "FPA.ZP": None, "ESO DET CHIP NAME": None, "LONG KEY WORD": None,
             "K00007": None})

# A trailing all-zero 2880-byte block after the last HDU (astropy reads such files).
fits.PrimaryHDU(floats(np.float32, shape2)).writeto(os.path.join(out, "trailing_zero_block.fits"))
with open(os.path.join(out, "trailing_zero_block.fits"), "ab") as f:
    f.write(b"\0" * 2880)
record("trailing_zero_block.fits", [0])

json.dump({"astropy": __import__("astropy").__version__, "files": manifest}, sys.stdout)
