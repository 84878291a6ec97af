"""Prints the versions of the peers the conformance suite compares the engine with."""
import json
import sys

import astropy
import cv2
import healpy
import numpy
import scipy
import sep
import torch

json.dump({
    "python": sys.version.split()[0],
    "numpy": numpy.__version__,
    "astropy": astropy.__version__,
    "healpy": healpy.__version__,
    "sep": sep.__version__,
    "torch": torch.__version__,
    "opencv": cv2.__version__,
    "scipy": scipy.__version__,
}, sys.stdout)
