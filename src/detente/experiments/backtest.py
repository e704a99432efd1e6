"""Backtests: forecast each recorded episode from the world as known before it, and score it.

For every episode ``e`` and lens ``L``, ``P_L(yes)`` is computed from ``world.at(e.date)`` (facts
dated strictly before the episode's day; see :meth:`detente.world.World.at`), so no fact dated on
or after the episode can move its forecast. The event scored is ``recorded_outcome ==
yes_outcome`` (``y`` = 1 or 0).

Scores (lower is better for both):

* **Brier score** (Brier 1950): mean of ``(p - y)**2``; 0 is perfect, 0.25 is a constant 0.5.
* **Log score** (Good 1952): mean of ``-ln p_y`` with ``p_y = p`` if ``y = 1`` else ``1 - p``.
  For the log score only, lens probabilities are clipped to ``[LOG_CLIP, 1 - LOG_CLIP]`` (a lens
  certain and wrong would otherwise score infinity); Brier scores use the raw probabilities.

Two baselines:

* ``base-rate``: ``P(yes)`` = the base rate known at the time, ``(k + 1) / (n + 2)`` for the ``k``
  yes outcomes among the ``n`` evaluated episodes dated strictly before the episode (0.5 for the
  first), as in :mod:`detente.experiments.lfo`: it never sees the episode's own answer.
* ``nothing-changes``: the status quo outcome, with probability ``1 - STATUS_QUO_CLIP``: ``P(yes)
  = 0.95`` when the yes outcome is the status quo (e.g. a base is kept), ``0.05`` otherwise. The
  clip keeps its log score finite.

An episode that cannot be evaluated (for instance its deciding organisation does not exist on
that day in the world used) is listed with the reason and left out of every score, baselines
included.

With an ``executor`` (:mod:`detente.experiments.runner`) the episodes run as its tasks, in chunks
of :data:`~detente.experiments.signals.EPISODE_CHUNK`; each episode's forecast reads the world and
that episode alone, so the result is the same on any executor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from detente.decision import lens_probability
from detente.decisions import Episode
from detente.errors import DetenteError
from detente.lenses.base import Lens
from detente.world import World

if TYPE_CHECKING:
    from detente.experiments.runner import Executor

__all__ = [
    "BASELINES",
    "LOG_CLIP",
    "STATUS_QUO_CLIP",
    "BacktestResult",
    "EpisodeForecast",
    "Score",
    "backtest",
    "backtest_json",
    "brier",
    "log_score",
]

LOG_CLIP = 1e-3
"""Lens probabilities are clipped to [0.001, 0.999] for the log score only."""
STATUS_QUO_CLIP = 0.05
"""The 'nothing changes' baseline gives the status quo 0.95, the change 0.05."""
BASELINES = ("base-rate", "nothing-changes")


def brier(p: ArrayLike, y: ArrayLike) -> float:
    """Mean Brier score of probabilities ``p`` for outcomes ``y`` (0/1); ``nan`` if empty."""
    pa, ya = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(np.mean((pa - ya) ** 2)) if pa.size else math.nan


def log_score(p: ArrayLike, y: ArrayLike, clip: float = 0.0) -> float:
    """Mean negative log likelihood (natural log) of ``y`` under ``p``, clipped to
    ``[clip, 1 - clip]``; ``inf`` if an outcome had probability 0; ``nan`` if empty."""
    pa, ya = np.asarray(p, dtype=float), np.asarray(y, dtype=bool)
    if not pa.size:
        return math.nan
    q = np.clip(pa, clip, 1.0 - clip)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the honest score of a certain miss
        # + 0.0 turns the -0.0 of a perfect forecast into 0.0 (printed "-0.0000" before).
        return float(-np.mean(np.log(np.where(ya, q, 1.0 - q)))) + 0.0


@dataclass(frozen=True)
class EpisodeForecast:
    """One episode's forecasts: ``p`` maps each lens and baseline to ``P(yes)``."""

    episode: str
    date: str
    type: str
    yes_outcome: str
    recorded_outcome: str
    y: int
    p: dict[str, float]


@dataclass(frozen=True)
class Score:
    """Mean scores of one forecaster over ``n`` episodes."""

    name: str
    kind: str
    n: int
    brier: float
    log: float


@dataclass(frozen=True)
class BacktestResult:
    """Per-episode forecasts, scores per lens and baseline, and the episodes left out."""

    source: str
    lenses: tuple[str, ...]
    forecasts: tuple[EpisodeForecast, ...]
    scores: tuple[Score, ...]
    skipped: tuple[tuple[str, str], ...]
    base_rate: float
    by_type: dict[str, tuple[Score, ...]]


def _forecast(episode: Episode, world: World, lenses: Sequence[Lens]) -> dict[str, float]:
    snap = world.at(episode.date)  # facts dated strictly before the episode
    return {lens.name: lens_probability(lens, snap, episode) for lens in lenses}


Outcome = dict[str, float] | str
"""An episode's lens probabilities, or why it could not be evaluated."""


def _outcomes(episodes: Sequence[Episode], world: World, lenses: Sequence[Lens]) -> list[Outcome]:
    out: list[Outcome] = []
    for episode in episodes:
        try:
            out.append(_forecast(episode, world, lenses))
        except DetenteError as exc:
            out.append(str(exc))
    return out


@dataclass(frozen=True)
class _Task:
    episodes: tuple[Episode, ...]
    world: World
    lenses: tuple[Lens, ...]


def _run_task(task: _Task) -> list[Outcome]:
    return _outcomes(task.episodes, task.world, task.lenses)


def backtest(
    episodes: Sequence[Episode],
    world: World,
    lenses: Sequence[Lens],
    *,
    source: str = "",
    executor: Executor | None = None,
) -> BacktestResult:
    """Forecast and score every episode under every lens (see the module docstring).

    Parameters
    ----------
    episodes, world, lenses:
        What is forecast, from which world, under which lenses.
    source:
        Where the episodes came from (printed with the result).
    executor:
        Where the episodes run (default: in this process, in one pass).
    """
    if executor is None or executor.name == "serial":
        outcomes = _outcomes(episodes, world, lenses)
    else:
        from detente.experiments.signals import map_episodes, shipped

        light = shipped(world)
        parts = map_episodes(
            executor,
            _run_task,
            episodes,
            lambda part: _Task(part, light, tuple(lenses)),
            "backtest",
        )
        outcomes = [o for part in parts for o in part]
    rows: list[tuple[Episode, dict[str, float]]] = []
    skipped: list[tuple[str, str]] = []
    for episode, outcome in zip(episodes, outcomes, strict=True):
        if isinstance(outcome, str):
            skipped.append((episode.id, outcome))
        else:
            rows.append((episode, outcome))
    ys = [int(e.yes_happened) for e, _ in rows]
    rate = sum(ys) / len(ys) if ys else math.nan  # the file's share, reported, never a forecast
    forecasts = []
    for episode, probs in rows:
        sq_yes = episode.status_quo == episode.yes_outcome
        probs = dict(probs)
        earlier = [int(e.yes_happened) for e, _ in rows if e.date < episode.date]
        probs["base-rate"] = (sum(earlier) + 1.0) / (len(earlier) + 2.0)
        probs["nothing-changes"] = 1.0 - STATUS_QUO_CLIP if sq_yes else STATUS_QUO_CLIP
        forecasts.append(
            EpisodeForecast(
                episode.id,
                episode.date.isoformat(),
                episode.type,
                episode.yes_outcome,
                episode.recorded_outcome,
                int(episode.yes_happened),
                probs,
            )
        )
    names = [*(lens.name for lens in lenses), *BASELINES]
    types = sorted({f.type for f in forecasts})
    return BacktestResult(
        source=source,
        lenses=tuple(lens.name for lens in lenses),
        forecasts=tuple(forecasts),
        scores=_scores(forecasts, names),
        skipped=tuple(skipped),
        base_rate=rate,
        by_type={t: _scores([f for f in forecasts if f.type == t], names) for t in types},
    )


def _scores(forecasts: Sequence[EpisodeForecast], names: Sequence[str]) -> tuple[Score, ...]:
    """Brier and log score of each forecaster over ``forecasts``."""
    ys = [f.y for f in forecasts]
    scores = []
    for name in names:
        p = [f.p[name] for f in forecasts]
        kind = "baseline" if name in BASELINES else "lens"
        clip = LOG_CLIP if kind == "lens" else 0.0
        scores.append(Score(name, kind, len(p), brier(p, ys), log_score(p, ys, clip)))
    return tuple(scores)


def backtest_json(result: BacktestResult) -> dict[str, Any]:
    """A JSON-ready mapping of ``result``."""
    data = asdict(result)
    data["skipped"] = [{"episode": e, "reason": r} for e, r in result.skipped]
    return data
