"""Simulation runs as an experiment: seeds spawned up front, any executor, results that persist.

:func:`simulate` builds the shared :class:`~detente.simulation.model.Setting` once (the timeline,
the decider, the stack fitted on episodes dated before the start), decides the reference path's
questions once (one task per year), then splits the runs into tasks (:data:`CHUNK` runs serially,
one task per worker in parallel). Every run has its own generator, spawned from the seed before
any work starts (:func:`detente.rng.spawn_generators`), and draws only from it, so the runs'
events are the same bit for bit whatever the executor, the number of workers and the split
(:mod:`detente.experiments.runner`).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.decisions import Episode
from detente.experiments.runner import Advance, Executor, SerialExecutor
from detente.lenses.base import Lens
from detente.rng import as_generator, spawn_generators
from detente.simulation.decider import Decider, StackedDecider, fit_calibration, prior_record
from detente.simulation.model import FEEDBACK, Event, Setting, run_model
from detente.simulation.record import RecordScore, score_runs
from detente.simulation.scenario import Scenario
from detente.simulation.timeline import PROJECTIONS, Changes, Timeline
from detente.world import World

if TYPE_CHECKING:
    import pandas as pd

    from detente.experiments.results import ResultSet

__all__ = ["CHUNK", "SimulationResult", "build_setting", "progress_total", "simulate"]

CHUNK = 10
"""Runs per task when serial (the unit of the progress bar)."""


@dataclass(frozen=True)
class SimulationResult:
    """The runs of one simulation (one lens, one scenario) and their scores against the record.

    ``runs`` holds each run's events in order; ``scores`` the record scores per family
    (:mod:`detente.simulation.record`), ``calibration`` how probabilities were obtained.
    """

    lens: str
    scenario: str
    start: int
    end: int
    seed: int | None
    feedback: str
    projection: str
    calibration: str
    runs: tuple[tuple[Event, ...], ...]
    scores: tuple[RecordScore, ...]

    def events(self) -> pd.DataFrame:
        """Every event of every run, one row each (``replicate`` is the run's index)."""
        import pandas as pd

        rows = [
            {
                "replicate": r,
                "year": e.year,
                "day": e.day.isoformat(),
                "kind": e.kind,
                "actor": e.actor,
                "target": e.target,
                "outcome": e.outcome,
                "key": e.key,
                "question": e.question,
                "p": e.p,
                "explanation": explanation(e),
            }
            for r, events in enumerate(self.runs)
            for e in events
        ]
        columns = [
            "replicate",
            "year",
            "day",
            "kind",
            "actor",
            "target",
            "outcome",
            "key",
            "question",
            "p",
            "explanation",
        ]
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> pd.DataFrame:
        """How often each event happened (share of runs) and when (mean, first and last year)."""
        import pandas as pd

        n = len(self.runs)
        years: dict[str, list[int]] = {}
        first: dict[str, Event] = {}
        for events in self.runs:
            seen: set[str] = set()
            for e in events:
                if e.key in seen:
                    continue
                seen.add(e.key)
                years.setdefault(e.key, []).append(e.year)
                first.setdefault(e.key, e)
        rows = []
        for key, ys in years.items():
            e = first[key]
            rows.append(
                {
                    "key": key,
                    "kind": e.kind,
                    "actor": e.actor,
                    "target": e.target,
                    "outcome": e.outcome,
                    "share": len(ys) / n if n else math.nan,
                    "mean_year": float(np.mean(ys)),
                    "first_year": min(ys),
                    "last_year": max(ys),
                    "explanation": explanation(e),
                }
            )
        columns = [
            "key",
            "kind",
            "actor",
            "target",
            "outcome",
            "share",
            "mean_year",
            "first_year",
            "last_year",
            "explanation",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.sort_values(["share", "key"], ascending=[False, True]).reset_index(drop=True)

    def timeline(self) -> pd.DataFrame:
        """Events per year and kind: the mean count per run (the report's timeline)."""
        import pandas as pd

        n = max(len(self.runs), 1)
        counts: Counter[tuple[int, str]] = Counter(
            (e.year, e.kind if e.kind != "episode" else "episode") for run in self.runs for e in run
        )
        rows = [
            {"year": y, "kind": k, "per_run": counts.get((y, k), 0) / n}
            for y in range(self.start, self.end + 1)
            for k in ("join", "exit", "close")
        ]
        return pd.DataFrame(rows)

    def to_json(self, top: int = 25) -> dict[str, Any]:
        """A JSON-ready summary: the setting, the most frequent events and the scores."""
        summary = self.summary().head(top)
        return {
            "lens": self.lens,
            "scenario": self.scenario,
            "from": self.start,
            "to": self.end,
            "runs": len(self.runs),
            "seed": self.seed,
            "feedback": self.feedback,
            "projection": self.projection,
            "calibration": self.calibration,
            "events": [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in summary.to_dict(orient="records")
            ],
            "scores": [_clean(dataclasses.asdict(s)) for s in self.scores],
        }

    def result_set(self, inputs: dict[str, Any]) -> ResultSet:
        """The runs as a results set (:mod:`detente.experiments.results`) for ``--save``."""
        import pandas as pd

        from detente import __version__
        from detente.experiments.results import ResultSet

        events = self.events()
        n = len(self.runs)
        experiments = pd.DataFrame({"replicate": np.arange(n)})
        outcomes = pd.DataFrame(
            {
                "replicate": np.arange(n),
                "events": [len(r) for r in self.runs],
                **{
                    k: [sum(e.kind == k for e in r) for r in self.runs]
                    for k in ("join", "exit", "close", "episode")
                },
            }
        )
        scores = pd.DataFrame([dataclasses.asdict(s) for s in self.scores])
        manifest = {
            "kind": "simulation",
            "inputs": inputs,
            "model": {
                "lens": self.lens,
                "feedback": self.feedback,
                "projection": self.projection,
                "calibration": self.calibration,
            },
            "scenario": self.scenario,
            "window": [self.start, self.end],
            "runs": n,
            "seed": self.seed,
            "spawning": "numpy SeedSequence.spawn: one child generator per run, drawn up front",
            "detente_version": __version__,
        }
        return ResultSet(
            manifest,
            {
                "experiments": experiments,
                "outcomes": outcomes,
                "events": events,
                "summary": self.summary(),
                "scores": scores,
            },
        )


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}


def explanation(e: Event) -> str:
    """An event's explanation in words: its top terms, e.g. ``UZB autonomy_cost -0.21``."""
    if not e.terms:
        return "fixed by the scenario" if math.isnan(e.p) else ""
    return "; ".join(f"{a} {t} {v:+.2f}" for a, t, v in e.terms)


def _chunk(task: tuple[Setting, list[np.random.Generator]]) -> list[list[Event]]:
    setting, rngs = task
    return [run_model(setting, rng) for rng in rngs]


def _warm_year(task: tuple[Setting, int]) -> dict[tuple[Any, ...], Any]:
    """The reference path's decisions of one year (a task: years are decided in parallel)."""
    setting, year = task
    tl = setting.timeline
    for o in tl.opportunities(year):
        who = o.episode.target if o.kind == "keep" else o.episode.proposer
        setting.verdict(o.episode, o.episode.date, Changes(), tabled=False, who=who)
    for e in tl.episodes:
        if e.date.year == year and setting.scenario.outcome_of(e.id) is None:
            setting.verdict(e, e.date, Changes(), tabled=True, who=e.proposer)
    return {k: v for k, v in setting.cache.items() if k[1].year == year}


def _warm(setting: Setting, executor: Executor, advance: Advance | None = None) -> None:
    """Decide the reference path's questions once, so every run task starts with them."""
    tl = setting.timeline
    warmed = {k[1].year for k in setting.cache}
    years = [y for y in range(tl.start, tl.end + 1) if y not in warmed]
    if advance is not None and len(years) < tl.end - tl.start + 1:
        advance(tl.end - tl.start + 1 - len(years))  # decided by an earlier call
    if not years:
        return
    for found in executor.map(_warm_year, [(setting, y) for y in years], advance):
        setting.cache.update(found)
    setting.decider.forget_views()


def build_setting(
    world: World,
    lens: Lens | Sequence[Lens],
    episodes: Sequence[Episode],
    *,
    start: int,
    end: int,
    scenario: Scenario | None = None,
    feedback: str = "none",
    projection: str = "hold",
    calibrate: bool = True,
    kinds: Sequence[str] = (),
) -> Setting:
    """The shared setting of a simulation (see the module docstring).

    ``lens`` is one lens, or two or more whose stack decides (:class:`StackedDecider`; it needs
    ``calibrate`` and enough episodes before ``start`` to fit the stack on).
    """
    import datetime as dt

    if feedback not in FEEDBACK:
        raise ValueError(f"unknown feedback {feedback!r} (known: {', '.join(FEEDBACK)})")
    if projection not in PROJECTIONS:
        raise ValueError(f"unknown projection {projection!r} (known: {', '.join(PROJECTIONS)})")
    scenario = scenario or Scenario()
    world = scenario.apply(world)
    first = dt.date(start, 1, 1)
    before = [e for e in episodes if e.date < first]
    # memory features read only what was known before the start, plus outcomes fixed by the
    # scenario (never the record of the window the runs are scored against)
    fixed = [
        e.model_copy(update={"recorded_outcome": scenario.outcome_of(e.id)})
        for e in episodes
        if e.date >= first and scenario.outcome_of(e.id) is not None
    ]
    history = [*before, *fixed]
    decider: Decider | StackedDecider
    if not isinstance(lens, Sequence):
        decider = Decider(lens, history)
    else:
        decider = StackedDecider(lens, history)
        if not calibrate:
            raise ValueError("a stack of lenses decides only when calibrated (calibrate=True)")
    calibration = "lens probabilities (not calibrated)"
    if calibrate:
        stack, why = fit_calibration(decider, before, lambda e: world.at(e.date))
        if stack is None and isinstance(decider, StackedDecider):
            raise ValueError(
                f"the stack of {', '.join(decider.lens_names)} cannot be fitted: {why}"
            )
        if stack is not None:
            decider = decider.with_stack(stack, prior_record(before))
        calibration = why if stack is not None else f"lens probabilities ({why})"
    timeline = Timeline(world, start, end, episodes, projection, kinds)
    timeline.world_episodes = tuple(e for e in episodes if e.origin == "hand-coded")
    return Setting(timeline, decider, scenario, feedback, calibration)


def simulate(
    setting: Setting,
    *,
    runs: int,
    seed: int | None,
    executor: Executor | None = None,
    advance: Advance | None = None,
) -> SimulationResult:
    """Run ``runs`` models of ``setting`` and score them against the record."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    rngs = spawn_generators(as_generator(seed), runs)
    executor = executor or SerialExecutor()
    _warm(setting, executor, advance)
    # One task per worker when parallel: a worker's task computes the decisions only its runs
    # meet (a state applying again after leaving) once. The split cannot change a run's draws.
    size = CHUNK if executor.workers == 1 else math.ceil(runs / executor.workers)
    tasks = [(setting, rngs[i : i + size]) for i in range(0, runs, size)]
    per_task = executor.map(
        _chunk, tasks, None if advance is None else (lambda k: advance(k * size // CHUNK))
    )
    results = tuple(tuple(events) for chunk in per_task for events in chunk)
    tl = setting.timeline
    return SimulationResult(
        lens=setting.decider.name,
        scenario=setting.scenario.name,
        start=tl.start,
        end=tl.end,
        seed=seed,
        feedback=setting.feedback,
        projection=tl.projection,
        calibration=setting.calibration,
        runs=results,
        scores=tuple(score_runs(tl, results)),
    )


def progress_total(setting: Setting, runs: int) -> int:
    """Units of work :func:`simulate` reports to ``advance``: one per year, one per run task."""
    tl = setting.timeline
    return (tl.end - tl.start + 1) + math.ceil(runs / CHUNK)
