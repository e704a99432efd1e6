"""Importing decision opportunities from a COW IGO v3 state-year file of the real file's size.

Run from the repository root::

    .venv/bin/python benchmarks/igo_import.py

Writes a *synthetic* file (random codes, no row of the real data set) with the distributed
file's shape, 15,557 state-years by 534 organisation columns (``ccode, year, state, NATO, OSCE,
CIS, ORG0 ...``), into a temporary folder, then times
:func:`detente.importers.opportunities.igo_import` on it: against the built-in world (which keeps
its states, organisations and years) and without a world on three columns. It prints the CPU
time (``time.process_time``) and wall time of each, and of the cell-by-cell checked reader that
the fast path falls back to for a file pandas cannot read as numbers.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np


def synthetic_file(folder: Path) -> Path:
    rng = np.random.default_rng(0)
    states = [2, 20, 200, 210, 211, 220, 255, 290, 310, 365, 369, 370, 371, 372, 373, 703, 705]
    states += list(range(400, 600))
    rows = [(s, y) for s in states for y in range(1937, 2015)][:15557]
    orgs = ["NATO", "OSCE", "CIS"] + [f"ORG{i}" for i in range(531)]
    shares = [0.02, 0.6, 0.25, 0.11, 0.01, 0.01]  # -9, -1, 0, 1, 2, 3
    codes = rng.choice([-9, -1, 0, 1, 2, 3], size=(len(rows), len(orgs)), p=shares)
    path = folder / "state_year_formatv3.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("ccode,year,state," + ",".join(orgs) + "\n")
        for (state, year), row in zip(rows, codes, strict=True):
            handle.write(f"{state},{year},x," + ",".join(map(str, row)) + "\n")
    return path


def timed(label: str, call: object) -> object:
    cpu, wall = time.process_time(), time.perf_counter()
    result = call()  # type: ignore[operator]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{label}: {cpu:.2f} s CPU, {wall:.2f} s wall")
    return result


def main() -> None:
    from detente.importers.igo import _NOT_ORGS, WHAT
    from detente.importers.opportunities import igo_import
    from detente.importers.table import numeric_columns, read_table
    from detente.world import builtin_world

    world = builtin_world()
    with tempfile.TemporaryDirectory() as folder:
        path = synthetic_file(Path(folder))
        result = timed(
            "igo_import, built-in world",
            lambda: igo_import(path, source="cow-states-2016", world=world),
        )
        print(
            f"  {result.rows_read} rows read, {result.rows_used} used, "  # type: ignore[attr-defined]
            f"{result.opportunities} opportunities"  # type: ignore[attr-defined]
        )
        timed(
            "igo_import, no world, 3 columns",
            lambda: igo_import(path, source="s", orgs=["NATO", "OSCE", "CIS"]),
        )

        def checked() -> object:
            head = read_table(path, ["ccode", "year"], WHAT)
            orgs = [c for c in head.columns if c not in _NOT_ORGS]
            return numeric_columns(head, ["ccode", "year", *orgs], str(path))

        timed("cell-by-cell checked reader alone (the fallback)", checked)


if __name__ == "__main__":
    main()
