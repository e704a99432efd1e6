"""Benchmark of the Spatial Model of Politics (``detente.forecast.smp``).

Run: ``.venv/bin/python benchmarks/forecast_smp.py`` (add ``--profile`` for a cProfile of the
80-actor run).  For KTAB's 13x2 SOE table and the 40, 80 and 160-actor dummy tables it prints the
turns taken, time per turn, and peak traced memory, then the time for 1,000 replicates of the
40-actor table.  Tables are read from ``../shared/data/ktab`` when present (KTAB CSV format), else
random tables of the same size are drawn with a seeded generator.  KTAB's C++ needs 0.29 s per
turn at 40 actors and 3.8 s at 80 (``shared/bargaining.md`` §6).
"""

from __future__ import annotations

import cProfile
import csv
import pstats
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from detente.forecast.smp import simulate

KTAB_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ktab"
TABLES = {
    "SOE-Pol-Comp (13x2)": ("SOE-Pol-Comp.csv", 13, 2),
    "dummy a040 (40x1)": ("dummyData-a040.csv", 40, 1),
    "dummy a080 (80x1)": ("dummyData-a080.csv", 80, 1),
    "dummy a160 (160x1)": ("dummyData-a160.csv", 160, 1),
}

Table = tuple[np.ndarray, np.ndarray, np.ndarray]


def read_ktab_csv(path: Path) -> Table:
    """Capability (n,), position and salience (n, d) on [0, 1] from a KTAB SMP CSV file."""
    with path.open(newline="") as fh:
        rows = [[c.strip() for c in row] for row in csv.reader(fh)]
    n, d = int(rows[0][2]), int(rows[0][3])
    body = rows[2 : 2 + n]
    cap = np.array([float(r[2]) for r in body])
    pos = np.array([[float(r[3 + 2 * k]) for k in range(d)] for r in body]) / 100.0
    sal = np.array([[float(r[4 + 2 * k]) for k in range(d)] for r in body]) / 100.0
    return cap, pos, sal


def random_table(n: int, d: int, seed: int) -> Table:
    """A random table like KTAB's synthetic ones (uniform positions, saliences summing < 1)."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(10.0, 200.0, n)
    pos = rng.uniform(0.0, 1.0, (n, d))
    sal = rng.uniform(0.1, 1.0, (n, d))
    sal *= rng.uniform(0.75, 0.99, (n, 1)) / sal.sum(axis=1, keepdims=True)
    return cap, pos, sal


def load(name: str) -> tuple[Table, str]:
    fname, n, d = TABLES[name]
    path = KTAB_DIR / fname
    if path.exists():
        return read_ktab_csv(path), "shared/data/ktab"
    return random_table(n, d, seed=n), "random (seed = n)"


def time_run(table: Table, repeats: int = 3) -> tuple[int, float, float]:
    """Turns, best seconds per turn over ``repeats`` runs, and peak traced MiB of one run."""
    best = np.inf
    turns = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        run = simulate(*table)
        elapsed = time.perf_counter() - t0
        turns = int(run.turns[0])
        best = min(best, elapsed / max(turns, 1))
    tracemalloc.start()
    simulate(*table)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return turns, best, peak / 2**20


def bench_smp(replicates: int = 1000) -> None:
    """Print turns, ms per turn and peak memory per table, then the replicate batch time."""
    print(f"{'table':<22}{'source':<20}{'turns':>6}{'ms/turn':>10}{'peak MiB':>10}")
    for name in TABLES:
        table, source = load(name)
        repeats = 1 if table[0].size > 100 else 3
        turns, per_turn, peak = time_run(table, repeats)
        print(f"{name:<22}{source:<20}{turns:>6}{1e3 * per_turn:>10.2f}{peak:>10.1f}")
    cap, pos, sal = load("dummy a040 (40x1)")[0]
    t0 = time.perf_counter()
    run = simulate(
        np.broadcast_to(cap, (replicates, *cap.shape)),
        np.broadcast_to(pos, (replicates, *pos.shape)),
        np.broadcast_to(sal, (replicates, *sal.shape)),
    )
    elapsed = time.perf_counter() - t0
    total = int(run.turns.sum())
    print(
        f"{replicates} replicates of a040: {elapsed:.2f} s "
        f"({total} replicate-turns, {1e3 * elapsed / total:.2f} ms each)"
    )


def profile_smp(name: str = "dummy a080 (80x1)") -> None:
    """cProfile one run of a table and print the 15 costliest functions."""
    table = load(name)[0]
    prof = cProfile.Profile()
    prof.enable()
    simulate(*table)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile_smp()
    else:
        bench_smp()
