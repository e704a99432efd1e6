"""Scaling out a Monte Carlo: serial vs 2 local processes vs 2 Dask workers, side by side.

Run from the repository root::

    .venv/bin/python benchmarks/experiments.py                    # 10^6 EUM replicates
    .venv/bin/python benchmarks/experiments.py --replicates 100000  # (--runs is the same flag)

Runs the same Monte Carlo (the EU car-emission example, 10 actors, 10 EUM rounds, the default
perturbation, seed 0) through :func:`detente.forecast.montecarlo.run_monte_carlo` on three
executors (:mod:`detente.experiments.runner`), in this order: serial, a pool of 2 worker
processes, and a Dask ``LocalCluster`` of 2 single-threaded worker processes, made as
``detente --scheduler local`` makes it (:func:`detente.experiments.runner.local_cluster`: Dask's
worker environment without its ``MALLOC_TRIM_THRESHOLD_``). The cluster is started last, because
its nanny writes its worker environment into this process's ``os.environ``, where every process
started afterwards, a process pool's workers too, would inherit it; its start-up is timed and
printed separately (a process pool's start-up is part of its time).

For each executor it prints the wall-clock time and the speed-up over serial (target: at least
1.7x with 2 workers, on an otherwise idle 2-core machine), and what the tasks cost where they ran,
measured inside each task with ``getrusage``: CPU time (user and system), minor page faults, the
first task's time against the median task's (the first one in a fresh worker also imports the
engines and loads numba's cached machine code) and the workers' peak RSS. Then whether the three
final forecasts are identical bit for bit, and the serial run's peak RSS (this process, for the
``--replicates`` given: the EUM memory figure of issue 14). Perturbed inputs are not kept
(``keep_inputs=False``), so workers send back only trajectories (about 0.4 MB per task of 4096
replicates, against about 1 s of engine work per task). On a busy machine wall time and CPU time
part, and the speed-ups then say more about the other load than about the executors.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detente.experiments.runner import DaskExecutor, Executor, ProcessExecutor, SerialExecutor
from detente.forecast.montecarlo import DRAW_BLOCK, TASK_BLOCKS, run_monte_carlo
from detente.rng import as_generator
from forecast_eum import eu_table

TARGET = 1.7


@dataclass(frozen=True)
class TaskCost:
    """What one task cost in the process that ran it."""

    wall: float
    user: float
    system: float
    faults: int
    peak_mib: float
    pid: int


def timed(fn: Callable[[Any], Any], task: Any) -> tuple[Any, TaskCost]:
    """``fn(task)`` and its cost, from ``getrusage`` before and after (runs in the worker)."""
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    out = fn(task)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cost = TaskCost(
        wall,
        after.ru_utime - before.ru_utime,
        after.ru_stime - before.ru_stime,
        after.ru_minflt - before.ru_minflt,
        after.ru_maxrss / 1024,
        os.getpid(),
    )
    return out, cost


class Measured:
    """An executor whose tasks also report their cost (the results are unchanged)."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.name = inner.name
        self.workers = inner.workers
        self.costs: list[TaskCost] = []

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any], advance: Any = None) -> list[Any]:
        pairs = self.inner.map(functools.partial(timed, fn), tasks, advance)
        self.costs.extend(cost for _, cost in pairs)
        return [out for out, _ in pairs]


def run(table: Any, runs: int, executor: Executor) -> tuple[np.ndarray, float, list[TaskCost]]:
    measured = Measured(executor)
    start = time.perf_counter()
    result = run_monte_carlo(
        table,
        "eum",
        runs,
        rng=as_generator(0),
        executor=measured,  # type: ignore[arg-type]
        keep_inputs=False,
    )
    return result.outcomes, time.perf_counter() - start, measured.costs


def report(name: str, workers: int, wall: float, serial: float, costs: list[TaskCost]) -> None:
    by_worker: dict[int, list[TaskCost]] = {}
    for cost in costs:
        by_worker.setdefault(cost.pid, []).append(cost)
    first = statistics.mean(c[0].wall for c in by_worker.values())
    median = statistics.median(c.wall for c in costs)
    print(
        f"  {name:>9} {workers:>2} {wall:9.2f} {serial / wall:7.2f}x"
        f" {sum(c.user for c in costs):9.2f} {sum(c.system for c in costs):7.2f}"
        f" {sum(c.faults for c in costs):12,d} {first:7.2f} {median:7.2f}"
        f" {max(c.peak_mib for c in costs):8.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", "--replicates", dest="runs", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    table = eu_table()
    tasks = -(-args.runs // (DRAW_BLOCK * TASK_BLOCKS))
    print(
        f"EU example ({len(table.actors)} actors), EUM 10 rounds, {args.runs:,} replicates in "
        f"{tasks} tasks of {DRAW_BLOCK * TASK_BLOCKS}; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at start"
    )
    print(
        "  executor  n    wall s  x serial   user s   sys s  page faults  first s"
        " median s  peak MiB"
    )
    print("  " + " " * 38 + "(in the tasks)" + " " * 14 + "(task wall)  (workers)")
    outcomes, times = {}, {}
    serial_out, times["serial"], costs = run(table, args.runs, SerialExecutor())
    outcomes["serial"] = serial_out
    serial_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report("serial", 1, times["serial"], times["serial"], costs)
    pool_out, times["processes"], costs = run(table, args.runs, ProcessExecutor(args.workers))
    outcomes["processes"] = pool_out
    report("processes", args.workers, times["processes"], times["serial"], costs)

    from distributed import Client

    from detente.experiments.runner import local_cluster

    start = time.perf_counter()
    with local_cluster(args.workers) as cluster, Client(cluster) as client:
        startup = time.perf_counter() - start
        dask_out, times["dask"], costs = run(table, args.runs, DaskExecutor(client=client))
        outcomes["dask"] = dask_out
        report("dask", args.workers, times["dask"], times["serial"], costs)
    print(f"  (Dask LocalCluster start-up, not included above: {startup:.2f} s)")
    same = all(np.array_equal(outcomes["serial"], o) for o in outcomes.values())
    print(f"  identical final forecasts on all three executors: {same}")
    print(f"  peak RSS of this process after the serial run: {serial_peak:.0f} MiB")
    verdicts = ", ".join(
        f"{name} x{times['serial'] / times[name]:.2f} "
        + ("met" if times["serial"] / times[name] >= TARGET else "NOT met")
        for name in ("processes", "dask")
    )
    print(
        f"  target: {args.workers} workers >= {TARGET}x serial: {verdicts}"
        f"   (load average at end {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
