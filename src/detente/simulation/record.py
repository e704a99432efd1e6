"""Scoring runs against the record: what actually happened in the simulated window.

The **units** scored are every event that could have happened in the window: each full
membership that could end (``exit:ACTOR:ORG``) or start (``join:ACTOR:ORG``) by the opportunity
rule on the reference path, each base that could close (``close:BASE``), every event that some
run produced or the record holds, and each hand-coded episode dated in the window. For a unit,
``y`` is 1 if the record holds the event in the window (for an episode: if its recorded outcome
was the yes outcome), and the simulated probability ``p`` is the share of runs in which it
happened (an episode: in which the yes outcome was drawn).

Scores, per family (memberships, bases, episodes) and over all units:

* **reproduced**: the expected share of the actual events a run reproduces: the mean of ``p``
  over the units with ``y = 1`` (for episodes, of the probability of the recorded outcome over
  all episodes);
* **Brier** (Brier 1950): the mean of ``(p - y)**2`` over the units, lower is better.

The **nothing-changes** run answers every decision with its status quo: no membership starts or
ends, no base closes, every episode takes its status-quo outcome. Its scores are those of that
run (computed directly: it is deterministic). No parameter of the lenses, the stack or the
simulation is set from these scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from detente.simulation.model import Event
from detente.simulation.timeline import Timeline

__all__ = ["FAMILIES", "RecordScore", "Unit", "record_events", "score_runs", "units"]

FAMILIES = ("memberships", "bases", "episodes")


@dataclass(frozen=True)
class Unit:
    """One event that could have happened: its key, family and whether the record holds it."""

    key: str
    family: str
    y: int
    status_quo: int  # 1 if the nothing-changes run produces it


def _family(key: str) -> str:
    if key.startswith("episode:"):
        return "episodes"
    return "bases" if key.startswith("close:") else "memberships"


def record_events(timeline: Timeline) -> dict[str, dt.date]:
    """``key -> day`` of the recorded membership and base events in the window."""
    w = timeline.world
    out: dict[str, dt.date] = {}
    founded = {(o.id, o.founded) for o in w.organisations.values()}
    for m in w.memberships:
        if m.org not in timeline.decided_orgs or m.status != "member":
            continue
        renewed = any(
            n.actor == m.actor and n.org == m.org and n.status == "member" and n.start == m.end
            for n in w.memberships
        )
        starts_again = any(
            n.actor == m.actor and n.org == m.org and n.status == "member" and n.end == m.start
            for n in w.memberships
        )
        if timeline._in_window(m.start) and (m.org, m.start) not in founded and not starts_again:
            out.setdefault(f"join:{m.actor}:{m.org}", m.start)
        org = w.organisations[m.org]
        if m.end is not None and timeline._in_window(m.end) and m.end != org.ended and not renewed:
            out.setdefault(f"exit:{m.actor}:{m.org}", m.end)
    for b in w.bases:
        renewed = any(
            o.host == b.host and o.user == b.user and o.id != b.id and o.start == b.end
            for o in w.bases
        )
        if b.end is not None and timeline._in_window(b.end) and not renewed:
            out[f"close:{b.id}"] = b.end
    return out


def units(timeline: Timeline, runs: Sequence[Sequence[Event]]) -> list[Unit]:
    """Every unit scored (see the module docstring), sorted by key."""
    recorded = record_events(timeline)
    keys: set[str] = set(recorded)
    for year in range(timeline.start, timeline.end + 1):
        for o in timeline.opportunities(year):
            e = o.episode
            if o.kind == "keep":
                keys.add(f"close:{timeline.base_id(o)}")
            else:
                keys.add(f"{'exit' if o.kind == 'leave' else 'join'}:{e.proposer}:{e.target}")
    for events in runs:
        keys.update(ev.key for ev in events if ev.kind != "episode")
    out = [Unit(k, _family(k), int(k in recorded), 0) for k in sorted(keys)]
    for e in timeline.episodes:
        out.append(
            Unit(
                f"episode:{e.id}={e.yes_outcome}",
                "episodes",
                int(e.yes_happened),
                int(e.status_quo == e.yes_outcome),
            )
        )
    return out


@dataclass(frozen=True)
class RecordScore:
    """Scores of one family (or ``all``) for the simulation and the nothing-changes run."""

    family: str
    units: int
    actual: int
    reproduced: float
    brier: float
    reproduced_nothing: float
    brier_nothing: float


def _score(family: str, rows: Sequence[tuple[Unit, float]]) -> RecordScore:
    nan = float("nan")
    if not rows:
        return RecordScore(family, 0, 0, nan, nan, nan, nan)

    def reproduced(ps: Iterable[tuple[Unit, float]]) -> float:
        got = [p if u.y else 1.0 - p for u, p in ps if u.y or u.family == "episodes"]
        return sum(got) / len(got) if got else nan

    sim = [(u, p) for u, p in rows]
    nothing = [(u, float(u.status_quo)) for u, _ in rows]
    return RecordScore(
        family,
        len(rows),
        sum(u.y for u, _ in rows),
        reproduced(sim),
        sum((p - u.y) ** 2 for u, p in sim) / len(sim),
        reproduced(nothing),
        sum((p - u.y) ** 2 for u, p in nothing) / len(nothing),
    )


def score_runs(timeline: Timeline, runs: Sequence[Sequence[Event]]) -> list[RecordScore]:
    """Scores per family and over all units (see the module docstring)."""
    scored = units(timeline, runs)
    n = max(len(runs), 1)
    counts = dict.fromkeys((u.key for u in scored), 0)
    for events in runs:
        for key in {ev.key for ev in events}:
            if key in counts:
                counts[key] += 1
    rows = [(u, counts[u.key] / n) for u in scored]
    out = [_score(f, [r for r in rows if r[0].family == f]) for f in FAMILIES]
    out.append(_score("all", rows))
    return out
