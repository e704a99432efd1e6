"""Where a simulation's time goes: building the setting, the reference decisions, the runs.

Run from the repository root::

    .venv/bin/python benchmarks/simulation.py                       # 2002-2012, 200 runs
    .venv/bin/python benchmarks/simulation.py --from 2009 --to 2010 --runs 50 --jobs 2

Times (wall clock and process CPU) each phase of ``detente simulate --lens realist`` in-process:
the setting (the stack fitted on the episodes before the start), the reference path's decisions
(one task per year, ``--jobs`` workers), and the runs themselves; then the runs alone a second
time on the warm setting (decisions cached), which is the cost of the simulation proper. It also
prints the number of decisions computed and the events per run. Targets: the runs of a warm
setting take under a second for 200 ten-year runs; the whole command takes seconds, not minutes,
on an idle 2-core machine.
"""

from __future__ import annotations

import argparse
import time

from detente.decisions.episodes import builtin_episodes
from detente.experiments.runner import make_executor
from detente.lenses import get_lens
from detente.simulation import build_setting, simulate
from detente.world import builtin_world


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", type=int, default=2002)
    parser.add_argument("--to", dest="end", type=int, default=2012)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    world, episodes = builtin_world(), builtin_episodes()
    w0, c0 = _clock()
    setting = build_setting(world, get_lens("realist"), episodes, start=args.start, end=args.end)
    w1, c1 = _clock()
    result = simulate(setting, runs=args.runs, seed=1, executor=make_executor(args.jobs))
    w2, c2 = _clock()
    again = simulate(setting, runs=args.runs, seed=1)
    w3, c3 = _clock()
    events = sum(len(r) for r in result.runs) / len(result.runs)
    print(f"window {args.start}-{args.end}, {args.runs} runs, jobs {args.jobs}")
    print(f"setting (stack fit):             {w1 - w0:7.2f} s wall, {c1 - c0:7.2f} s CPU")
    print(f"reference decisions + runs:      {w2 - w1:7.2f} s wall, {c2 - c1:7.2f} s CPU (here)")
    print(f"runs alone (warm, serial):       {w3 - w2:7.2f} s wall, {c3 - c2:7.2f} s CPU")
    print(f"decisions computed: {len(setting.cache)}; events per run: {events:.1f}")
    print(f"same events on the warm rerun: {again.runs == result.runs}")


if __name__ == "__main__":
    main()
