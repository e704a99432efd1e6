"""Speed and memory of the panel builder: global dyad-years with S and kappa from an ATOP file.

Run from the repository root::

    .venv/bin/python benchmarks/measures.py            # 195 states x 50 years (the issue's size)
    .venv/bin/python benchmarks/measures.py --quick    # 60 states x 10 years

It writes a *synthetic* ATOP 5.x directed dyad-year file (``stateA, stateB, year, defense,
offense, neutral, nonagg, consul``) into a temporary folder: states are given random alliance
blocs (a seeded ``numpy`` Generator, so the same file every run), each year a few blocs form or
dissolve, and every pair inside a bloc gets the bloc's obligations. No real ATOP data is used or
shipped. It then times

1. reading the file into portfolios (:func:`detente.importers.read_atop_ddyr`);
2. building the *directed* global dyad-years with S and kappa under all three codings (valued,
   any obligation, defence only) (:func:`detente.panels.portfolio_dyad_years`): 195 x 194 x 50
   = 1,891,500 rows and 6 similarity columns;

and prints the wall time of each (best of ``--repeats``) and the peak memory traced by
``tracemalloc`` (NumPy and pandas report their buffers to it) during one read + build, measured
in a separate run because tracing slows Python down.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from detente.importers import read_atop_ddyr
from detente.panels import portfolio_dyad_years


def synthetic_atop(
    path: Path, n_states: int, years: range, rng: np.random.Generator
) -> tuple[int, pd.DataFrame]:
    """Write a synthetic ATOP directed dyad-year CSV; its rows and the system's state-years."""
    codes = np.sort(rng.choice(np.arange(2, 1000), size=n_states, replace=False))
    n_blocs = max(4, n_states // 8)

    # each bloc: members (about 8 states) and obligation flags (defense, offense, neutral,
    # nonagg, consul), drawn once and re-drawn when the bloc dissolves
    def new_bloc() -> tuple[np.ndarray, np.ndarray]:
        members = rng.choice(n_states, size=int(rng.integers(2, 16)), replace=False)
        flags = (rng.random(5) < np.array([0.5, 0.05, 0.2, 0.3, 0.4])).astype(np.int8)
        return members, flags

    blocs = [new_bloc() for _ in range(n_blocs)]
    chunks = []
    for year in years:
        for k in range(n_blocs):
            if rng.random() < 0.05:
                blocs[k] = new_bloc()
        for members, flags in blocs:
            if not flags.any():
                continue
            a, b = np.meshgrid(members, members, indexing="ij")
            keep = a != b
            rows = np.column_stack(
                [
                    codes[a[keep]],
                    codes[b[keep]],
                    np.full(keep.sum(), year),
                    np.tile(flags, (keep.sum(), 1)),
                ]
            )
            chunks.append(rows)
    table = np.concatenate(chunks)
    header = "stateA,stateB,year,defense,offense,neutral,nonagg,consul"
    np.savetxt(path, table, fmt="%d", delimiter=",", header=header, comments="")
    # every state is in the system every year (as an NMC or COW state-year list would say)
    system = pd.DataFrame(
        {"ccode": np.tile(codes, len(years)), "year": np.repeat(np.asarray(years), n_states)}
    )
    return int(table.shape[0]), system


def build(path: Path, present: pd.DataFrame) -> tuple[float, float, int, int]:
    """Read ``path`` and build the directed dyad-years; times of both steps, rows, columns."""
    t0 = time.perf_counter()
    portfolios = read_atop_ddyr(path, present=present)
    t1 = time.perf_counter()
    frame = portfolio_dyad_years(portfolios, ["s", "kappa"], directed=True)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(frame), frame.shape[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="60 states x 10 years")
    parser.add_argument("--states", type=int, default=195)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    n_states, n_years = (60, 10) if args.quick else (args.states, args.years)
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "atop5_1ddyr_synthetic.csv"
        n_rows, system = synthetic_atop(path, n_states, range(1970, 1970 + n_years), rng)
        size = path.stat().st_size / 1e6
        print(
            f"synthetic ATOP ddyr file: {n_rows:,} rows, {size:.1f} MB "
            f"({n_states} states x {n_years} years, seed {args.seed})"
        )
        best_read = best_build = float("inf")
        rows = cols = 0
        for _ in range(args.repeats):
            read_s, build_s, rows, cols = build(path, system)
            best_read, best_build = min(best_read, read_s), min(best_build, build_s)
        expected = n_states * (n_states - 1) * n_years
        print(f"dyad-years built: {rows:,} directed rows x {cols} columns (expected {expected:,})")
        print(f"read file -> portfolios:       {best_read:7.2f} s (best of {args.repeats})")
        print(f"portfolios -> S, kappa (x3 codings): {best_build:7.2f} s")
        print(f"total:                          {best_read + best_build:7.2f} s")
        tracemalloc.start()
        build(path, system)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak traced memory (read + build): {peak / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
