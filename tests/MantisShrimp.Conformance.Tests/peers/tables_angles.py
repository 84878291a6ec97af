"""Parses coordinates as astropy does: each argument is KIND=TEXT with KIND ra or dec. RA in sexagesimal is hours
(SkyCoord(ra, dec, unit=(u.hourangle, u.deg)), astropy's convention for such strings), a plain decimal RA is
degrees; Dec is degrees. Prints the angles in degrees, or null where astropy refuses the text."""
import json
import re
import sys

import astropy.units as u
from astropy.coordinates import Angle

out = []
for arg in sys.argv[1:]:
    kind, text = arg.split("=", 1)
    plain = re.fullmatch(r"\s*[+-]?\d+(\.\d*)?([eE][+-]?\d+)?\s*", text) is not None
    unit = u.deg if kind == "dec" or plain else u.hourangle
    try:
        out.append(Angle(text, unit=unit).degree)
    except (ValueError, u.UnitsError) as e:
        out.append(None)
json.dump(out, sys.stdout)
