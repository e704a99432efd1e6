"""Speed and memory of the forecasting pipeline, against the issue's targets and KTAB's times.

Run from the repository root::

    .venv/bin/python benchmarks/forecast.py            # all tables
    .venv/bin/python benchmarks/forecast.py --quick    # fewer repeats and replicates

For the EU car-emission example (10 actors), the 17-actor oil-price ("Sultan") table and KTAB's
SOE 13 x 2, 40-, 80- and 160-actor tables it prints

* the time per round (EUM) or per turn (SMP) of one unperturbed run through
  :func:`detente.forecast.engine.run_model` (best of several repeats);
* the time of a Monte Carlo batch through :func:`detente.forecast.montecarlo.run_monte_carlo`
  with the default perturbation (position, salience, capability noise and 5 % actor dropout):
  10,000 EUM replicates of 10 rounds; for the SMP, which runs until its stopping rule, fewer
  replicates (stated on each line);
* the peak memory traced by ``tracemalloc`` (NumPy reports its buffers to it) during a batch of
  at most 1,000 of those replicates (timed separately: tracing slows Python down);

and the ratio to the issue's targets (SMP <= 6 ms/turn at 40 actors, <= 40 ms/turn at 80;
10,000 EUM replicates of the EU example in <= 2 s) and to KTAB's measured times (``smpc --logmin``:
11 ms/turn at 13 x 2, 294 ms/turn at 40 actors, 3.8 s/turn at 80; ``bargaining.md`` §6 and the
issue) and the 47 s of the faithful Python EUM replication at 17 actors. Last, the peak memory of
a 400-actor table (four replicates at once) in each model, against the 1 GB budget.

The tables are read from ``../shared/data`` (beside the checkout) when present; without it only the
EU example, typed in below, is run.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detente.forecast.engine import Model, run_model
from detente.forecast.montecarlo import run_monte_carlo
from detente.forecast.table import StakeholderTable, read_table
from forecast_eum import (  # the EU example, typed in once (benchmarks/ is on sys.path)
    best_time,
    eu_table,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass(frozen=True)
class Case:
    """One benchmark line: a table, a model and what to compare with."""

    label: str
    file: str | None  # relative to SHARED; None = the typed-in EU table
    model: Model
    mc_runs: int
    target_ms: float | None = None  # issue's target per round/turn
    ktab_ms: float | None = None  # KTAB's measured time per turn
    target_mc_s: float | None = None  # issue's target for the Monte Carlo batch
    reference_run_s: float | None = None  # a reference implementation's time for one run


CASES = [
    Case("EU example 10x1", "eum/eu_emissions.csv", "eum", 10_000, target_mc_s=2.0),
    Case("oil price 17x1", "eum/sultan.csv", "eum", 10_000, reference_run_s=47.0),
    Case("KTAB SOE 13x2", "ktab/SOE-Pol-Comp.csv", "smp", 1_000, ktab_ms=11.0),
    Case("KTAB a040 40x1", "ktab/dummyData-a040.csv", "smp", 200, target_ms=6.0, ktab_ms=294.0),
    Case("KTAB a080 80x1", "ktab/dummyData-a080.csv", "smp", 20, target_ms=40.0, ktab_ms=3800.0),
    Case("KTAB a160 160x1", "ktab/dummyData-a160.csv", "smp", 4),
]


def _load(case: Case) -> StakeholderTable | None:
    path = SHARED / case.file if case.file else None
    if path is not None and path.is_file():
        return read_table(path)
    return eu_table() if case.model == "eum" and "eu_" in (case.file or "eu_") else None


def _per_step(table: StakeholderTable, model: Model, repeats: int) -> tuple[float, int]:
    """Seconds per round or turn of one unperturbed run, and the number of rounds or turns."""
    run = run_model(model, table.capability, table.position, table.salience, bounds=table.bounds)
    steps = max(int(run.turns[0]), 1)
    elapsed = best_time(
        lambda: run_model(
            model, table.capability, table.position, table.salience, bounds=table.bounds
        ),
        repeats,
    )
    return elapsed / steps, steps


def _monte_carlo(table: StakeholderTable, model: Model, runs: int) -> tuple[float, float]:
    """Seconds for ``runs`` replicates and mean turns per replicate (no tracing: full speed)."""
    start = time.perf_counter()
    result = run_monte_carlo(table, model, runs, rng=np.random.default_rng(2024))
    return time.perf_counter() - start, float(result.turns.mean())


def _peak_memory(table: StakeholderTable, model: Model, runs: int) -> float:
    """Peak MiB traced by ``tracemalloc`` during a Monte Carlo batch of ``runs`` replicates."""
    tracemalloc.start()
    run_monte_carlo(table, model, runs, rng=np.random.default_rng(2024))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _versus(ours: float, case: Case, steps: int) -> str:
    """The comparisons that apply to ``case``; ``ours`` is seconds per round or turn."""
    out = ""
    ms = ours * 1e3
    if case.target_ms is not None:
        verdict = "met" if ms <= case.target_ms else "MISSED"
        out += f"; target <= {case.target_ms:g} ms {verdict} ({case.target_ms / ms:.1f}x margin)"
    if case.ktab_ms is not None:
        out += f"; KTAB {case.ktab_ms:g} ms/turn: {case.ktab_ms / ms:.0f}x faster"
    if case.reference_run_s is not None:
        speedup = case.reference_run_s / (ours * steps)
        out += f"; Python replication {case.reference_run_s:g} s/run: {speedup:,.0f}x faster"
    return out


def run_case(case: Case, *, quick: bool) -> None:
    """Measure one case and print its line."""
    table = _load(case)
    if table is None:
        print(f"{case.label:<17} skipped: {SHARED / (case.file or '')} not found")
        return
    repeats = 3 if quick else (10 if table.n <= 40 else 3)
    step_s, steps = _per_step(table, case.model, repeats)
    unit = "round" if case.model == "eum" else "turn"
    line = f"{case.label:<17} {case.model.upper()} {step_s * 1e3:8.2f} ms/{unit} ({steps} {unit}s)"
    print(line + _versus(step_s, case, steps))
    runs = max(case.mc_runs // 10, 2) if quick else case.mc_runs
    mc_s, mean_turns = _monte_carlo(table, case.model, runs)
    mem_runs = min(runs, 1000)
    peak_mib = _peak_memory(table, case.model, mem_runs)
    mc = (
        f"{'':<17} Monte Carlo {runs:,} replicates: {mc_s:7.3f} s"
        f" ({mc_s / runs * 1e3:.2f} ms/replicate, mean {mean_turns:.1f} {unit}s);"
        f" peak {peak_mib:.1f} MiB over {mem_runs:,} replicates"
    )
    if case.target_mc_s is not None and runs == case.mc_runs:
        mc += (
            f"; target <= {case.target_mc_s:g} s {'met' if mc_s <= case.target_mc_s else 'MISSED'}"
        )
    print(mc)


def bench_large(n: int = 400, replicates: int = 4) -> None:
    """Peak memory of one EUM round and two SMP turns at ``n`` actors, against the 1 GB budget.

    A random table (seeded) of ``n`` actors, run as ``replicates`` Monte Carlo copies at once so
    the replicate axis is exercised too; ``tracemalloc`` sees NumPy's buffers.
    """
    rng = np.random.default_rng(400)
    cap = rng.uniform(1, 100, (replicates, n))
    pos = rng.uniform(0, 100, (replicates, n, 1))
    sal = rng.uniform(0.1, 1.0, (replicates, n, 1))
    bounds = np.array([[0.0, 100.0]])
    for model, steps in (("eum", 1), ("smp", 2)):
        tracemalloc.start()
        start = time.perf_counter()
        run_model(model, cap, pos, sal, bounds=bounds, rounds=steps)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        mib = peak / 2**20
        print(
            f"{n} actors x {replicates} replicates {model.upper()}: "
            f"{elapsed / steps:.2f} s per step (traced); peak {mib:.0f} MiB; "
            f"budget 1024 MiB {'met' if mib <= 1024 else 'MISSED'}"
        )


def main() -> None:
    """Print every case."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and replicates")
    parser.add_argument("--no-large", action="store_true", help="skip the 400-actor memory run")
    args = parser.parse_args()
    print(f"tables from {SHARED if SHARED.is_dir() else '(typed-in EU table only)'}")
    for case in CASES:
        run_case(case, quick=args.quick)
    if not args.no_large:
        bench_large()


if __name__ == "__main__":
    main()
