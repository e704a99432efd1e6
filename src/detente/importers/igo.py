"""COW Intergovernmental Organizations (IGO) data, state-year format (``state_year_formatv3.csv``).

Format (IGO codebook v3.0, Pevehouse et al. 2020): one row per state-year with ``ccode``,
``year``, ``state`` and one column per organisation (its abbreviation, e.g. ``NATO``, ``OSCE``),
valued 0 no membership, 1 full membership, 2 associate membership, 3 observer, -9 missing, -1
state not in the system. :func:`read_igo_state_years` turns it into tidy state-organisation-years
(the shape of :func:`detente.panels.state_org_years`), one row per membership of any kind.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detente.errors import InputError, Problem
from detente.importers.table import MAX_REPORTED, numeric_columns, read_table, require_complete

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["IGO_STATUS", "read_igo_codes", "read_igo_state_years"]

IGO_STATUS: dict[int, str] = {1: "full", 2: "associate", 3: "observer"}
"""The membership codes of the IGO data (0 none, -9 missing, -1 not in the system)."""

_ALLOWED = {-9, -1, 0, 1, 2, 3}
_NOT_ORGS = {"ccode", "year", "state", "stateabb", "version"}
WHAT = "a COW IGO v3 state-year file (state_year_formatv3.csv)"


def read_igo_state_years(path: str | Path) -> pd.DataFrame:
    """Read an IGO state-year file into ``ccode, year, org, status`` rows (memberships only).

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        One row per state, organisation and year with a full, associate or observer
        membership; ``status`` is one of :data:`IGO_STATUS`'s labels. Missing (-9) cells are
        not memberships and are not rows; they are counted in ``frame.attrs["missing"]``.

    Raises
    ------
    InputError
        For a missing ``ccode``/``year`` column, no organisation column, or a code outside
        {-9, -1, 0, 1, 2, 3} (located by line and column).
    """
    import pandas as pd

    frame, orgs, values = read_igo_codes(path)
    r, c = np.nonzero(np.isin(values, [1, 2, 3]))
    out = pd.DataFrame(
        {
            "ccode": frame["ccode"].to_numpy(np.int64)[r],
            "year": frame["year"].to_numpy(np.int64)[r],
            "org": np.asarray(orgs, dtype=object)[c],
            "status": [IGO_STATUS[int(v)] for v in values[r, c]],
        }
    )
    out.attrs["missing"] = int((values == -9).sum())
    return out.sort_values(["year", "org", "ccode"], ignore_index=True)


def _read_numeric(path: str | Path) -> pd.DataFrame | None:
    """The file with every code column read as numbers by pandas' C parser, or ``None`` if it
    is not that simple (a missing column, a text cell, an unreadable file): the checked,
    cell-by-cell reader then says where. The real file has 15,557 rows and 534 organisation
    columns, which the cell-by-cell reader takes about ten seconds to convert."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, skipinitialspace=True, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    orgs = [c for c in frame.columns if c not in _NOT_ORGS]
    needed = ["ccode", "year", *orgs]
    if not orgs or not {"ccode", "year"} <= set(frame.columns) or frame.columns.duplicated().any():
        return None
    if not all(pd.api.types.is_numeric_dtype(frame[c]) for c in needed):
        return None
    keep = [c for c in frame.columns if c not in _NOT_ORGS or c in ("ccode", "year")]
    return frame[keep].astype("float64")


def read_igo_codes(path: str | Path) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """The checked codes of an IGO state-year file: ``(frame, orgs, values)``.

    ``frame`` holds the ``ccode`` and ``year`` columns (file order), ``orgs`` the organisation
    columns and ``values[row, org]`` their codes (NaN for an empty cell). Raises as
    :func:`read_igo_state_years`.
    """
    file = str(path)
    frame = _read_numeric(path)  # the common case, fast; any fault is located by the slow path
    if frame is None:
        head = read_table(path, ["ccode", "year"], WHAT)
        orgs = [c for c in head.columns if c not in _NOT_ORGS]
        if not orgs:
            raise InputError(Problem(file, 1, None, f"no organisation columns: expected {WHAT}"))
        frame = numeric_columns(head, ["ccode", "year", *orgs], file)
    orgs = [c for c in frame.columns if c not in _NOT_ORGS]
    require_complete(frame, ["ccode", "year"], file)
    values = frame[orgs].to_numpy(dtype=np.float64)
    problems: list[Problem] = []
    bad = ~np.isin(values, list(_ALLOWED)) & ~np.isnan(values)
    for r, c in zip(*np.nonzero(bad), strict=True):
        if len(problems) >= MAX_REPORTED:
            break
        problems.append(
            Problem(
                file,
                int(r) + 2,
                orgs[c],
                f"expected one of -9, -1, 0, 1, 2, 3; got {values[r, c]:g}",
            )
        )
    if problems:
        raise InputError(problems)
    return frame, orgs, values
