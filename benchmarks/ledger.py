"""Registering forecasts in a ledger: one question at a time against all questions at once.

Run from the repository root::

    .venv/bin/python benchmarks/ledger.py                 # the hand-coded episodes of 2009
    .venv/bin/python benchmarks/ledger.py --year 2012 --max 4

Plays a past year as if it were the present (as ``tests/experiments/test_ledger.py`` does): the
hand-coded built-in episodes decided in ``--year`` become pending questions (their recorded
outcome taken away), issued on 1 January of that year, and the stack is fitted on the built-in
episodes dated before it, with both lenses and the bargaining signal, as ``detente ledger add``
does. It times :func:`detente.experiments.lfo.stacked_episode` called once per question (what
``ledger add`` did before the history's signals were shared) against one
:func:`detente.experiments.lfo.stacked_episodes` call, prints both wall times and their ratio, and
checks that every forecast is identical bit for bit. The shared call runs first, so any cache it
warms (the world's snapshots) helps the other: the ratio is a lower bound. The time of one
question is mostly the lens and bargaining signals of the few hundred history episodes, so the
ratio grows with the number of questions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2009, help="the year played as the present")
    parser.add_argument("--max", type=int, default=6, help="at most this many questions")
    args = parser.parse_args()

    from detente.decisions import Question, builtin_episodes
    from detente.experiments.lfo import stacked_episode, stacked_episodes
    from detente.lenses import get_lens
    from detente.world import builtin_world

    world = builtin_world()
    lenses = [get_lens("realist"), get_lens("liberal")]
    now = dt.date(args.year, 1, 1)
    episodes = builtin_episodes()
    history = [e for e in episodes if e.date < now]
    chosen = [e for e in episodes if e.date.year == args.year and e.origin == "hand-coded"]
    questions = [
        Question(**e.model_dump(exclude={"recorded_outcome", "origin"}, exclude_none=True))
        for e in chosen[: args.max]
    ]
    print(
        f"{len(questions)} questions of {args.year}, fitted on {len(history)} episodes before {now}"
    )
    # all at once first: any cache it warms (the world's snapshots) favours the other run
    start = time.perf_counter()
    together = stacked_episodes(questions, world, lenses, history)
    t_together = time.perf_counter() - start
    start = time.perf_counter()
    alone = [stacked_episode(q, world, lenses, history) for q in questions]
    t_alone = time.perf_counter() - start
    same = all(
        a.forecast == b.forecast and a.lens_p == b.lens_p and a.baselines == b.baselines
        for a, b in zip(alone, together, strict=True)
    )
    print(f"one question at a time: {t_alone:.1f} s")
    print(f"all at once:            {t_together:.1f} s")
    print(f"ratio:                  {t_alone / t_together:.1f}x")
    print(f"forecasts identical bit for bit: {same}")


if __name__ == "__main__":
    main()
