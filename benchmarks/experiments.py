"""Scaling out a Monte Carlo: serial vs 2 local processes vs 2 Dask workers, side by side.

Run from the repository root::

    .venv/bin/python benchmarks/experiments.py                    # 10^6 EUM replicates
    .venv/bin/python benchmarks/experiments.py --replicates 100000  # (--runs is the same flag)

Runs the same Monte Carlo (the EU car-emission example, 10 actors, 10 EUM rounds, the default
perturbation, seed 0) through :func:`detente.forecast.montecarlo.run_monte_carlo` on three
executors (:mod:`detente.experiments.runner`): serial, a pool of 2 worker processes, and a Dask
``LocalCluster`` of 2 single-threaded worker processes (its start-up is timed and printed
separately; a process pool's start-up is part of its time).
It prints each wall-clock time, the speed-up over serial (target: at least 1.7x with 2 workers,
on an otherwise idle 2-core machine) and whether the three final forecasts are identical bit for
bit. Perturbed inputs are not kept (``keep_inputs=False``), so workers send back only trajectories
(about 0.4 MB per task of 4096 replicates, against about 1 s of engine work per task).
The serial run's CPU time is printed beside its wall time: on a busy machine the two part, and
the speed-ups then say more about the other load than about the executors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detente.experiments.runner import DaskExecutor, ProcessExecutor, SerialExecutor
from detente.forecast.montecarlo import run_monte_carlo
from detente.rng import as_generator
from forecast_eum import eu_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", "--replicates", dest="runs", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    table = eu_table()
    print(
        f"EU example ({len(table.actors)} actors), EUM 10 rounds, {args.runs:,} replicates; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start"
    )
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    startup = time.perf_counter() - start
    executors = [
        SerialExecutor(),
        ProcessExecutor(args.workers),
        DaskExecutor(client=client),
    ]
    results = {}
    times = {}
    try:
        for ex in executors:
            start, cpu = time.perf_counter(), time.process_time()
            run = run_monte_carlo(
                table, "eum", args.runs, rng=as_generator(0), executor=ex, keep_inputs=False
            )
            times[ex.name] = time.perf_counter() - start
            own_cpu = time.process_time() - cpu
            results[ex.name] = run.outcomes
            ratio = times["serial"] / times[ex.name]
            note = f"   (CPU in this process {own_cpu:.2f} s)" if ex.name == "serial" else ""
            print(
                f"  {ex.name:>10} ({ex.workers} worker(s)): {times[ex.name]:8.2f} s   "
                f"x{ratio:.2f}{note}"
            )
    finally:
        client.close()
        cluster.close()
    print(f"  (Dask LocalCluster start-up, not included above: {startup:.2f} s)")
    same = all(np.array_equal(results["serial"], r) for r in results.values())
    print(f"  identical final forecasts on all three executors: {same}")
    print(f"  load average at end {os.getloadavg()[0]:.1f}; target: 2 workers >= 1.7x serial")


if __name__ == "__main__":
    main()
