"""sep 1.2 on the cutouts TargetPhotometryBenchmarks.MeasureRCutout measures: the paper's target rule per PS1 r cutout.

Usage: /usr/bin/python3 bench/sep_target_time.py [DEMO_DIR] [COUNT] [PASSES]   (defaults: /work/main/demo, 64, 5)

The same measure() as the conformance test's peer (tests/MantisShrimp.Conformance.Tests/peers/sep_compare.py,
imported, not copied): sep.Background, sep.extract, kron_radius and sum_ellipse, or sum_circle. Timing as there:
time.perf_counter around the sep calls of each cutout only (FITS reading outside), each cutout's best of PASSES; the
figure printed is the mean of those bests, and the mean of each pass's mean (what BenchmarkDotNet's cycling over
the cutouts compares with), and the process's CPU time per cutout of the best pass (time.process_time: what a
loaded machine's time-slicing does not inflate).
"""
import glob
import os
import sys
import time

import numpy as np
from astropy.io import fits

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "MantisShrimp.Conformance.Tests",
                                "peers"))
from sep_compare import measure  # noqa: E402

PS1_STATIC_RADIUS = 4.0


def main():
    demo = sys.argv[1] if len(sys.argv) > 1 else "/work/main/demo"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    files = sorted(glob.glob(os.path.join(demo, "data", "cutouts", "*.r.fits")))[:count]
    images = [np.ascontiguousarray(fits.getdata(f), dtype=np.float32) for f in files]
    best = [float("inf")] * len(images)
    pass_means = []
    cpu = float("inf")
    for _ in range(passes):
        total = 0.0
        c0 = time.process_time()
        for k, img in enumerate(images):
            t0 = time.perf_counter()
            measure(img, PS1_STATIC_RADIUS)
            t = time.perf_counter() - t0
            total += t
            best[k] = min(best[k], t)
        cpu = min(cpu, (time.process_time() - c0) / len(images))
        pass_means.append(total / len(images))
    print(f"sep {__import__('sep').__version__}: {len(images)} PS1 r cutouts of {demo}, {passes} passes: "
          f"mean of per-cutout bests {1e3 * sum(best) / len(best):.3f} ms, best pass mean {1e3 * min(pass_means):.3f} ms, "
          f"median pass mean {1e3 * sorted(pass_means)[len(pass_means) // 2]:.3f} ms, "
          f"CPU time per cutout (best pass) {1e3 * cpu:.3f} ms")


if __name__ == "__main__":
    main()
