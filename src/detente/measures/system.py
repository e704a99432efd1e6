"""The system over which portfolios are compared: global, regional, or a given set of states.

Regions follow the Correlates of War's numbering of states (COW State System Membership
codebook; the regions EUGene uses): Americas 2-165, Europe 200-399, Africa 400-626, Middle East
630-698, Asia 700-899, Oceania 900-999. Russia (365), Armenia (371), Georgia (372) and Azerbaijan
(373) are in Europe; Kazakhstan (705) and the other Central Asian states in Asia.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["REGIONS", "cow_region", "system_mask"]

REGIONS: dict[str, tuple[int, int]] = {
    "americas": (2, 165),
    "europe": (200, 399),
    "africa": (400, 626),
    "middle-east": (630, 698),
    "asia": (700, 899),
    "oceania": (900, 999),
}
"""Inclusive ranges of COW state numbers of each region."""


def cow_region(ccodes: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """The COW region of each state number ("" outside every range).

    Examples
    --------
    >>> cow_region([2, 365, 705]).tolist()
    ['americas', 'europe', 'asia']
    """
    codes = np.asarray(ccodes)
    out = np.full(codes.shape, "", dtype="<U11")
    for name, (lo, hi) in REGIONS.items():
        out[(codes >= lo) & (codes <= hi)] = name
    return out


def system_mask(
    ids: Sequence[str], ccodes: npt.ArrayLike, system: str | Sequence[str] = "global"
) -> npt.NDArray[np.bool_]:
    """Which states form the system: ``"global"`` (all), region names, or state ids.

    Parameters
    ----------
    ids : sequence of str
        The states' ids.
    ccodes : array_like of int
        Their COW numbers (for regions).
    system : str or sequence of str
        ``"global"``; a region (``"europe"``) or several; or state ids; regions and ids may be
        mixed (``["europe", "KAZ", "KGZ"]``).

    Returns
    -------
    numpy.ndarray of bool, shape (len(ids),)

    Raises
    ------
    ValueError
        For a name that is neither a region nor one of ``ids``.
    """
    items = [system] if isinstance(system, str) else list(system)
    if items == ["global"]:
        return np.ones(len(ids), dtype=bool)
    regions = cow_region(ccodes)
    index = {s: i for i, s in enumerate(ids)}
    mask = np.zeros(len(ids), dtype=bool)
    unknown = []
    for item in items:
        if item in REGIONS:
            mask |= regions == item
        elif item in index:
            mask[index[item]] = True
        else:
            unknown.append(item)
    if unknown:
        raise ValueError(
            f"unknown system member(s) {', '.join(unknown)}: expected 'global', a region "
            f"({', '.join(REGIONS)}) or state ids"
        )
    return mask
