"""Episode signals on an executor: the lens inputs of many episodes, computed in parallel.

A backtest's cost is its episodes' signals (:func:`detente.forecaster.episode_signals`): each
episode's lens probabilities (and bargaining signals) come from ``world.at(episode.date)`` and the
episode alone, so episodes are independent tasks. Only the history terms read other episodes (the
record of those dated before), and :func:`detente.forecaster.with_prior_behaviour` recomputes
them over the whole, combined list. The episodes are split into tasks of :data:`EPISODE_CHUNK`
in their given order, a split that depends on nothing but the episodes; since no randomness
enters, the combined signals are the same bits on any executor and any number of workers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from detente.forecaster import EpisodeSignals, episode_signals, with_prior_behaviour

if TYPE_CHECKING:
    from detente.decisions import Episode
    from detente.experiments.runner import Executor
    from detente.lenses.base import Lens
    from detente.world import World

__all__ = ["EPISODE_CHUNK", "SignalFunction", "map_episodes", "shipped", "signals_on"]

EPISODE_CHUNK = 16
"""Episodes per task: a few seconds of lens work, enough to keep pickling and scheduling small."""

Skipped = list[tuple[str, str]]


@dataclass(frozen=True)
class _Task:
    episodes: tuple[Episode, ...]
    world: World
    lenses: tuple[Lens, ...]
    options: dict[str, Any] = field(default_factory=dict)


def shipped(world: World) -> World:
    """``world`` without its cache of snapshots, to send to workers: once warm the cache weighs
    megabytes (about 5 MB pickled for the built-in world's 64 latest days, 370 kB without), and a
    worker rebuilds the few snapshots its episodes need."""
    return dataclasses.replace(world, _snapshots={})


def _run_task(task: _Task) -> tuple[list[EpisodeSignals], Skipped]:
    return episode_signals(task.episodes, task.world, task.lenses, **task.options)


def map_episodes(
    executor: Executor,
    fn: Any,
    episodes: Sequence[Episode],
    make_task: Any,
    label: str,
    chunk: int = EPISODE_CHUNK,
    progress: bool | None = None,
) -> list[Any]:
    """``executor.map(fn, tasks)`` over ``episodes`` split into tasks of ``chunk`` (in order),
    ``make_task(chunk_of_episodes)`` building each task; a progress bar on a terminal."""
    from detente.experiments.runner import progress_bar

    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, got {chunk}")
    items = list(episodes)
    tasks = [make_task(tuple(items[i : i + chunk])) for i in range(0, len(items), chunk)]
    with progress_bar(len(tasks), f"{label} ({executor.name})", show=progress) as advance:
        return executor.map(fn, tasks, advance)


def signals_on(
    executor: Executor | None,
    episodes: Sequence[Episode],
    world: World,
    lenses: Sequence[Lens],
    *,
    chunk: int = EPISODE_CHUNK,
    progress: bool | None = None,
    **options: Any,
) -> tuple[list[EpisodeSignals], Skipped]:
    """:func:`~detente.forecaster.episode_signals` with the episodes run as tasks on
    ``executor`` (the module docstring); ``options`` pass through. Without an executor, or on
    the serial one, the signals are computed in one call, as before."""
    if executor is None or executor.name == "serial":
        return episode_signals(episodes, world, lenses, **options)
    light = shipped(world)
    parts = map_episodes(
        executor,
        _run_task,
        episodes,
        lambda part: _Task(part, light, tuple(lenses), dict(options)),
        "episode signals",
        chunk,
        progress,
    )
    found = [s for part, _ in parts for s in part]
    skipped = [k for _, part in parts for k in part]
    return with_prior_behaviour(found), skipped


class SignalFunction:
    """``episode_signals`` bound to an executor (same call, tasks on ``executor``)."""

    def __init__(self, executor: Executor | None) -> None:
        self.executor = executor

    def __call__(
        self, episodes: Sequence[Episode], world: World, lenses: Sequence[Lens], **options: Any
    ) -> tuple[list[EpisodeSignals], Skipped]:
        return signals_on(self.executor, episodes, world, lenses, **options)
