"""COW National Material Capabilities (NMC) files: ``NMC-60-abridged.csv``, ``NMC-70-abridged.csv``.

Format (NMC codebook v6.0, 2021, and v7.0): one row per state-year with ``stateabb``, ``ccode``,
``year``, the six components ``milex`` (thousands; pounds sterling to 1913, current US dollars
from 1914), ``milper`` (thousands), ``irst`` (thousands of tons), ``pec`` (thousands of coal-ton
equivalents), ``tpop`` and ``upop`` (thousands), ``cinc`` and ``version``. Missing values are
coded -9. Singer, Bremer and Stuckey (1972) define the index; cite the NMC version you read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from detente.errors import InputError, Problem
from detente.importers.table import MAX_REPORTED, numeric_columns, read_table, require_complete
from detente.measures.cinc import CINC_COMPONENTS, cinc

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NMC_MISSING", "nmc_cinc", "read_nmc"]

NMC_MISSING = -9.0
"""NMC's code for a missing value."""

WHAT = "a COW NMC v6.0/v7.0 file (NMC-60-abridged.csv / NMC-70-abridged.csv)"


def read_nmc(path: str | Path) -> pd.DataFrame:
    """Read an NMC file into a state-year frame; -9 becomes NaN (missing, never zero).

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        ``ccode`` and ``year`` (int), the six components (float, NaN where missing), ``cinc``
        recomputed as the mean of the available component shares within each year
        (:func:`detente.measures.cinc.cinc`), and ``cinc_file`` (the file's own ``cinc``, if it
        has the column).

    Raises
    ------
    InputError
        For a missing column, a non-numeric value, a negative component other than -9, or a
        repeated state-year (each with its file and line).
    """
    file = str(path)
    numeric = ["ccode", "year", *CINC_COMPONENTS]
    frame = read_table(path, numeric, WHAT, numeric=numeric)
    if "cinc" in frame.columns:
        frame = numeric_columns(frame, ["cinc"], file)
    require_complete(frame, ["ccode", "year"], file)
    problems = []
    for column in CINC_COMPONENTS:
        values = frame[column]
        bad = (values < 0) & (values != NMC_MISSING)
        for row in bad[bad].index[:MAX_REPORTED]:
            problems.append(
                Problem(file, int(row) + 2, column, f"expected >= 0 or -9, got {values[row]:g}")
            )
        frame[column] = values.where(values != NMC_MISSING)
    dup = frame.duplicated(["ccode", "year"], keep="first")
    for row in dup[dup].index[:MAX_REPORTED]:
        problems.append(
            Problem(
                file,
                int(row) + 2,
                "ccode, year",
                f"state-year {int(frame.ccode[row])}, {int(frame.year[row])} appears twice",
            )
        )
    if problems:
        raise InputError(problems)
    out = frame[["ccode", "year", *CINC_COMPONENTS]].copy()
    out["ccode"] = out["ccode"].astype(np.int64)
    out["year"] = out["year"].astype(np.int64)
    out["cinc"] = cinc(out[list(CINC_COMPONENTS)].to_numpy(), out["year"].to_numpy())
    if "cinc" in frame.columns:
        out["cinc_file"] = frame["cinc"].where(frame["cinc"] != NMC_MISSING)
    return out.reset_index(drop=True)


def nmc_cinc(
    nmc: pd.DataFrame, ccodes: Sequence[int], years: Sequence[int]
) -> npt.NDArray[np.float64]:
    """The (years, states) array of CINC from an NMC frame; NaN where the file has no row.

    Raises :class:`InputError` if the file covers none of ``years``.
    """
    covered = set(nmc["year"].tolist())
    if not covered & set(years):
        raise InputError(
            Problem(
                None,
                None,
                "--nmc",
                f"the NMC file covers {min(covered)}-{max(covered)}, "
                f"none of {years[0]}-{years[-1]}",
            )
        )
    out = np.full((len(years), len(ccodes)), np.nan)
    col = {c: i for i, c in enumerate(ccodes)}
    row = {y: k for k, y in enumerate(years)}
    k = nmc["year"].map(row)
    i = nmc["ccode"].map(col)
    ok = k.notna() & i.notna()
    out[k[ok].astype(int).to_numpy(), i[ok].astype(int).to_numpy()] = nmc["cinc"][ok].to_numpy()
    return out
