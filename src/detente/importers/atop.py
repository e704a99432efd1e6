"""ATOP (Alliance Treaty Obligations and Provisions, Leeds et al. 2002) files, version 5.x.

* Directed dyad-year file (``atop5_1ddyr.csv``): one row per directed dyad-year with an alliance:
  ``stateA``, ``stateB`` (COW numbers), ``year``, and the obligation indicators ``defense``,
  ``offense``, ``neutral``, ``nonagg``, ``consul`` (1 if A has that obligation to B that year;
  other columns such as ``ddyad``, ``atopally``, ``shareob``, ``asymm`` are ignored).
* Member-level file (``atop5_1m.csv``): one row per member spell of an alliance: ``atopid``,
  ``member``, ``yrent``, ``yrexit`` (0 while still a member), and the member's obligation
  indicators ``defense``, ``offense``, ``neutral``, ``nonagg``, ``consul``.

Both become alliance :class:`~detente.panels.Portfolios` on the valued scale
(:func:`detente.measures.portfolio.atop_level`). From the member-level file a member belongs to
an alliance in year Y if it entered in or before Y and did not leave in or before Y (values as of
the year's end); the level of the directed pair (i, j) is i's obligations in the alliances they
share. The states of a year are those the file mentions that year, unless ``present`` gives
them (e.g. from an NMC file's state-years).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detente.errors import InputError, Problem
from detente.importers.table import MAX_REPORTED, read_table, require_complete
from detente.measures.portfolio import TOP_LEVEL, atop_level
from detente.panels.portfolios import Portfolios

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["OBLIGATIONS", "read_atop_ddyr", "read_atop_members"]

OBLIGATIONS: tuple[str, ...] = ("defense", "offense", "neutral", "nonagg", "consul")
"""ATOP's obligation indicators, as the codebook names them."""

DDYR = "an ATOP 5.x directed dyad-year file (atop5_1ddyr.csv)"
MEMBERS = "an ATOP 5.x member-level file (atop5_1m.csv)"


def _check_flags(frame: pd.DataFrame, file: str) -> None:
    problems = []
    for column in OBLIGATIONS:
        bad = ~frame[column].isin([0.0, 1.0])
        for row in bad[bad].index[:MAX_REPORTED]:
            problems.append(
                Problem(file, int(row) + 2, column, f"expected 0 or 1, got {frame[column][row]}")
            )
    if problems:
        raise InputError(problems)


def _build(
    t: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    level: np.ndarray,
    years: np.ndarray,
    codes: np.ndarray,
    present: np.ndarray,
    ids: Mapping[int, str] | None,
    source: str,
) -> Portfolios:
    levels = np.zeros((years.size, codes.size, codes.size), dtype=np.int8)
    np.maximum.at(levels, (t, a, b), level.astype(np.int8))
    levels[~present[:, :, None] | ~present[:, None, :]] = 0
    diag = np.arange(codes.size)
    levels[:, diag, diag] = np.where(present, TOP_LEVEL, 0).astype(np.int8)
    names = tuple((ids or {}).get(int(c), f"COW{int(c)}") for c in codes)
    return Portfolios(
        names, tuple(int(c) for c in codes), tuple(int(y) for y in years), levels, present, source
    )


def _axes(
    codes: list[np.ndarray], years: np.ndarray, present: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    """The sorted state codes and years of the file's mentions, and of ``present`` if given."""
    if present is not None:
        codes = [*codes, present["ccode"].to_numpy(np.int64)]
        years = np.concatenate([years, present["year"].to_numpy(np.int64)])
    return np.unique(np.concatenate(codes)), np.unique(years)


def _present(
    codes: np.ndarray,
    years: np.ndarray,
    mentioned: tuple[np.ndarray, np.ndarray],
    given: pd.DataFrame | None,
) -> np.ndarray:
    present = np.zeros((years.size, codes.size), dtype=bool)
    if given is None:
        present[mentioned] = True
        return present
    k = np.searchsorted(years, given["year"].to_numpy())
    i = np.searchsorted(codes, given["ccode"].to_numpy())
    ok = (k < years.size) & (i < codes.size)
    ok &= years[np.minimum(k, years.size - 1)] == given["year"].to_numpy()
    ok &= codes[np.minimum(i, codes.size - 1)] == given["ccode"].to_numpy()
    present[k[ok], i[ok]] = True
    return present


def read_atop_ddyr(
    path: str | Path,
    *,
    present: pd.DataFrame | None = None,
    ids: Mapping[int, str] | None = None,
) -> Portfolios:
    """Alliance portfolios from an ATOP directed dyad-year file.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    present : pandas.DataFrame, optional
        ``ccode`` and ``year`` of the states in the system (default: the states the file
        mentions each year). States of ``present`` absent from the file have no alliances.
    ids : mapping of int to str, optional
        State ids by COW number (e.g. a world's); others are named ``COW<ccode>``.

    Returns
    -------
    Portfolios
        ``levels[t, A, B]`` is the valued level of A's obligations to B in year t.

    Raises
    ------
    InputError
        For a missing column, a non-numeric cell, an indicator other than 0/1, or a dyad of a
        state with itself (each located by file and line).
    """
    file = str(path)
    cols = ["stateA", "stateB", "year", *OBLIGATIONS]
    frame = read_table(path, cols, DDYR, numeric=cols)
    require_complete(frame, cols, file)
    _check_flags(frame, file)
    same = frame["stateA"] == frame["stateB"]
    if same.any():
        row = int(same[same].index[0])
        raise InputError(Problem(file, row + 2, "stateB", "a dyad needs two different states"))
    sa = frame["stateA"].to_numpy(np.int64)
    sb = frame["stateB"].to_numpy(np.int64)
    yr = frame["year"].to_numpy(np.int64)
    codes, years = _axes([sa, sb], yr, present)
    t = np.searchsorted(years, yr)
    a = np.searchsorted(codes, sa)
    b = np.searchsorted(codes, sb)
    level = atop_level(*(frame[c].to_numpy() for c in OBLIGATIONS))
    mentioned = (np.concatenate([t, t]), np.concatenate([a, b]))
    here = _present(codes, years, mentioned, present)
    return _build(t, a, b, level, years, codes, here, ids, file)


def read_atop_members(
    path: str | Path,
    *,
    last_year: int,
    present: pd.DataFrame | None = None,
    ids: Mapping[int, str] | None = None,
) -> Portfolios:
    """Alliance portfolios from an ATOP member-level file.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    last_year : int
        The last year of the data (the ATOP version's coverage, 2018 for 5.1): spells still open
        (``yrexit`` 0) run to it.
    present, ids
        As in :func:`read_atop_ddyr`.

    Returns
    -------
    Portfolios
        ``levels[t, i, j]``: the highest valued level of i's obligations in an alliance that i
        and j both belong to at the end of year t.

    Raises
    ------
    InputError
        For a missing column, a non-numeric cell, an indicator other than 0/1, or an exit year
        before the entry year.
    """
    import pandas as pd

    file = str(path)
    cols = ["atopid", "member", "yrent", "yrexit", *OBLIGATIONS]
    frame = read_table(path, cols, MEMBERS, numeric=cols)
    require_complete(frame, cols, file)
    _check_flags(frame, file)
    exit_year = frame["yrexit"].where(frame["yrexit"] != 0, last_year + 1)
    bad = exit_year < frame["yrent"]
    if bad.any():
        row = int(bad[bad].index[0])
        raise InputError(Problem(file, row + 2, "yrexit", "exit year before the entry year"))
    # as of the year's end: a member from its entry year up to the year before its exit
    span = (exit_year - frame["yrent"]).clip(lower=0).astype(np.int64).to_numpy()
    rows = np.repeat(np.arange(len(frame)), span)
    offset = np.arange(rows.size) - np.repeat(np.cumsum(span) - span, span)
    spells = pd.DataFrame(
        {
            "atopid": frame["atopid"].to_numpy(np.int64)[rows],
            "member": frame["member"].to_numpy(np.int64)[rows],
            "year": frame["yrent"].to_numpy(np.int64)[rows] + offset,
            "level": atop_level(*(frame[c].to_numpy() for c in OBLIGATIONS))[rows],
        }
    )
    spells = spells[spells["year"] <= last_year]
    pairs = spells.merge(spells[["atopid", "year", "member"]], on=["atopid", "year"])
    pairs = pairs[pairs["member_x"] != pairs["member_y"]]
    codes, years = _axes([spells["member"].to_numpy()], spells["year"].to_numpy(), present)
    t = np.searchsorted(years, pairs["year"].to_numpy())
    a = np.searchsorted(codes, pairs["member_x"].to_numpy())
    b = np.searchsorted(codes, pairs["member_y"].to_numpy())
    mentioned = (
        np.searchsorted(years, spells["year"].to_numpy()),
        np.searchsorted(codes, spells["member"].to_numpy()),
    )
    here = _present(codes, years, mentioned, present)
    return _build(t, a, b, pairs["level"].to_numpy(), years, codes, here, ids, file)
