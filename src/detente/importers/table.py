"""Reading a CSV file of a known format, with every fault located by file, line and column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from detente.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["numeric_columns", "read_table"]

MAX_REPORTED = 10
"""Faults reported per file before the rest are summarised."""


def read_table(
    path: str | Path, required: Sequence[str], what: str, *, numeric: Sequence[str] = ()
) -> pd.DataFrame:
    """Read ``path`` as CSV; check that ``required`` columns exist and ``numeric`` ones are numbers.

    Parameters
    ----------
    path : str or Path
        The file.
    required : sequence of str
        Column names the format must have (case as in the codebook).
    what : str
        The format's name, for messages (e.g. "a COW NMC v6.0/v7.0 file").
    numeric : sequence of str
        Columns whose every value must be a number.

    Returns
    -------
    pandas.DataFrame
        The table, numeric columns converted to floats.

    Raises
    ------
    InputError
        For an unreadable file, a missing column (line 1) or a non-numeric value (its line).
    """
    import pandas as pd

    file = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(
            Problem(file, None, None, f"not readable as {what} (CSV): {exc}")
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            Problem(
                file,
                1,
                None,
                f"missing column(s) {', '.join(missing)}: expected {what} with columns "
                f"{', '.join(required)} (found: {', '.join(frame.columns[:12])})",
            )
        )
    return numeric_columns(frame, numeric, file)


def numeric_columns(frame: pd.DataFrame, columns: Sequence[str], file: str) -> pd.DataFrame:
    """Convert ``columns`` to floats; every non-numeric, non-empty cell is a located problem."""
    import pandas as pd

    problems: list[Problem] = []
    out = frame.copy()
    for column in columns:
        raw = frame[column].str.strip()
        values = pd.to_numeric(raw, errors="coerce")
        bad = values.isna() & (raw != "")
        for row in bad[bad].index[:MAX_REPORTED]:
            # line 1 is the header, so row r (0-based) is on line r + 2
            problems.append(
                Problem(file, int(row) + 2, column, f"expected a number, got {raw[row]!r}")
            )
        if int(bad.sum()) > MAX_REPORTED:
            problems.append(
                Problem(file, None, column, f"... and {int(bad.sum()) - MAX_REPORTED} more")
            )
        out[column] = values.astype("float64")
    if problems:
        raise InputError(problems)
    return out


def require_complete(frame: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    """Every cell of ``columns`` must hold a value: empty cells are located problems."""
    problems = []
    for column in columns:
        empty = frame[column].isna()
        for row in empty[empty].index[:MAX_REPORTED]:
            problems.append(Problem(file, int(row) + 2, column, "expected a value, found none"))
    if problems:
        raise InputError(problems)
