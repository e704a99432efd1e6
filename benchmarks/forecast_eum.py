"""Speed and memory of the expected-utility model (``detente.forecast.eum``).

Run from the repository root::

    .venv/bin/python benchmarks/forecast_eum.py

Prints, for the EU car-emission example (10 actors) and the 17-actor oil-price ("Sultan") table,
the time per round of one run and of 10,000 Monte Carlo replicates (saliences perturbed by
N(0, 0.05), clipped to [0, 1], as Masad 2016 did), and the peak memory of a 400-actor round. The
tables are read from ``../shared/data/eum`` when present, else the EU table typed in below is used.
Times are the best of several repeats (wall clock, this machine).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from detente.forecast.eum import simulate
from detente.forecast.table import StakeholderTable, read_table, table_from_mapping

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "eum"

# Bueno de Mesquita (1994), p. 78; Scholz, Calbert & Smith (2011), Table 1.
_EU = {
    "name": "eu_emissions",
    "actors": [
        {"id": a, "capability": c, "position": x, "salience": s}
        for a, c, x, s in [
            ("Netherlands", 0.08, 4, 0.8),
            ("Belgium", 0.08, 7, 0.4),
            ("Luxembourg", 0.03, 4, 0.2),
            ("Germany", 0.16, 4, 0.8),
            ("France", 0.16, 10, 0.6),
            ("Italy", 0.16, 10, 0.6),
            ("UK", 0.16, 10, 0.9),
            ("Ireland", 0.05, 7, 0.1),
            ("Denmark", 0.05, 4, 1.0),
            ("Greece", 0.08, 7, 0.7),
        ]
    ],
}


def eu_table() -> StakeholderTable:
    """The EU car-emission example (typed in above, with its source), as a table."""
    return table_from_mapping(_EU)


def best_time(func: Callable[[], object], repeats: int) -> float:
    """Best wall-clock time of ``repeats`` calls (seconds)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def _table(name: str) -> StakeholderTable | None:
    path = SHARED / f"{name}.csv"
    if path.is_file():
        return read_table(path)
    return eu_table() if name == "eu_emissions" else None


def _perturbed(table: StakeholderTable, m: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, 0.05, (m, table.n))
    return np.asarray(np.clip(table.salience[:, 0] + noise, 0.0, 1.0))


def _bench_table(table: StakeholderTable, rounds: int = 10, m: int = 10_000) -> None:
    cap, pos = table.capability, table.position[:, 0]
    one = best_time(lambda: simulate(cap, pos, table.salience[:, 0], rounds=rounds), 20)
    sal = _perturbed(table, m, seed=1)
    many = best_time(lambda: simulate(cap, pos, sal, rounds=rounds), 3)
    print(
        f"{table.name:>14} n={table.n:<3} one run: {one / rounds * 1e3:7.3f} ms/round   "
        f"{m:,} replicates x {rounds} rounds: {many:6.3f} s ({many / rounds * 1e3:6.1f} ms/round)"
    )


def _bench_memory(n: int = 400, rounds: int = 1) -> None:
    rng = np.random.default_rng(7)
    cap, pos, sal = rng.uniform(0.1, 1, n), rng.uniform(0, 100, n), rng.uniform(0.1, 1, n)
    tracemalloc.start()
    start = time.perf_counter()
    simulate(cap, pos, sal, rounds=rounds)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{'random':>14} n={n:<3} one run: {elapsed / rounds * 1e3:7.1f} ms/round   "
        f"peak NumPy memory {peak / 2**20:6.1f} MiB (traced)"
    )


def bench_eum() -> None:
    """Print the EUM's speed on the EU and Sultan tables and its memory at 400 actors."""
    print("EUM (Scholz et al. 2011 defaults)")
    for name in ("eu_emissions", "sultan"):
        table = _table(name)
        if table is None:
            print(f"{name:>14} skipped: {SHARED / (name + '.csv')} not found")
            continue
        _bench_table(table)
    _bench_memory()


if __name__ == "__main__":
    bench_eum()
