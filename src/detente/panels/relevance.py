"""Major powers and politically relevant dyads.

A dyad is *politically relevant* (Weede 1976; Lemke and Reed 2001) if its states are contiguous
or at least one of them is a major power. The major powers and their years are the Correlates of
War's (State System Membership, ``majors2016.csv``; the 2024 release extends the same spells to
2024). The world model records no borders, so contiguity is unknown: a dyad with a major power is
relevant (``True``); any other is ``<NA>`` (not ``False``: it may be contiguous).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["MAJOR_POWERS", "is_major_power"]

MAJOR_POWERS: dict[int, tuple[tuple[int, int], ...]] = {
    2: ((1898, 2024),),  # United States
    200: ((1816, 2024),),  # United Kingdom
    220: ((1816, 1940), (1945, 2024)),  # France
    255: ((1816, 1918), (1925, 1945), (1991, 2024)),  # Germany
    300: ((1816, 1918),),  # Austria-Hungary
    325: ((1860, 1943),),  # Italy
    365: ((1816, 1917), (1922, 2024)),  # Russia / Soviet Union
    710: ((1950, 2024),),  # China
    740: ((1895, 1945), (1991, 2024)),  # Japan
}
"""COW state number -> inclusive year spells as a major power (COW majors list, v2016/v2024)."""


def is_major_power(ccodes: npt.ArrayLike, years: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Whether each (state, year) is a COW major power.

    Parameters
    ----------
    ccodes, years : array_like of int
        COW state numbers and years, broadcast together.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> is_major_power([365, 705, 255], [2010, 2010, 1950]).tolist()
    [True, False, False]
    """
    codes, yrs = np.broadcast_arrays(np.asarray(ccodes), np.asarray(years))
    out = np.zeros(codes.shape, dtype=bool)
    for code, spells in MAJOR_POWERS.items():
        for lo, hi in spells:
            out |= (codes == code) & (yrs >= lo) & (yrs <= hi)
    return out
