"""The data behind each figure of the report: pure functions returning plain data or frames.

Nothing here draws; :mod:`detente.report.figures` turns these into pictures, so each figure's
numbers can be tested (and exported) on their own. Heavy imports (pandas) stay inside functions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.world import World

if TYPE_CHECKING:
    import pandas as pd

    from detente.experiments.backtest import BacktestResult
    from detente.explanation import Explanation
    from detente.simulation import SimulationResult

__all__ = [
    "OTHERS",
    "Edge",
    "ScoreInterval",
    "bibliography",
    "capability_frame",
    "event_timeline",
    "members_per_year",
    "membership_edges",
    "reliability_table",
    "score_intervals",
    "term_frame",
]

OTHERS = "others"
"""The label under which actors that are not highlighted are grouped."""


@dataclass(frozen=True)
class Edge:
    """One membership holding at the end of a day: ``actor`` in ``org`` with ``status``."""

    actor: str
    org: str
    status: str
    sources: tuple[str, ...]


def membership_edges(world: World, day: dt.date, orgs: Iterable[str] | None = None) -> list[Edge]:
    """Every membership (any status) holding at the end of ``day``, optionally only in ``orgs``.

    Sorted by organisation then actor, so a layout seeded once gives the same picture every time.
    """
    wanted = None if orgs is None else set(orgs)
    snap = world.on(day)
    edges = [
        Edge(m.actor, m.org, m.status, tuple(m.sources))
        for m in snap.current_memberships()
        if wanted is None or m.org in wanted
    ]
    return sorted(edges, key=lambda e: (e.org, e.actor))


def members_per_year(world: World, years: Sequence[int], orgs: Iterable[str]) -> pd.DataFrame:
    """Full members of each organisation at the end of each year (rows: year; columns: org).

    A year in which an organisation did not exist (not founded yet, or dissolved) is missing
    (NaN), not 0: an organisation with no members and no organisation are different things.
    """
    import pandas as pd

    orgs = list(orgs)
    rows = []
    for year in years:
        snap = world.on(dt.date(year, 12, 31))
        rows.append(
            {
                org: (len(snap.members(org)) if snap.organisation(org) is not None else math.nan)
                for org in orgs
            }
        )
    return pd.DataFrame(rows, index=pd.Index(list(years), name="year"), columns=orgs)


def capability_frame(
    world: World, measure: str, highlight: Sequence[str], years: tuple[int, int] | None = None
) -> pd.DataFrame:
    """One row per (actor, year) with a known value of ``measure`` (long form).

    Columns: ``actor``, ``group`` (the actor's id if it is in ``highlight``, else
    :data:`OTHERS`), ``year``, ``value``, ``unit``, ``sources`` (``;``-joined). Only states are
    included; years the sources do not give are absent (never 0), so a gap shows as a gap.
    """
    import pandas as pd

    chosen = set(highlight)
    rows: list[dict[str, Any]] = []
    for series in world.capabilities:
        if series.measure != measure or series.actor not in world.states:
            continue
        for year, value in sorted(series.values.items()):
            if value is None or (years is not None and not years[0] <= year <= years[1]):
                continue
            rows.append(
                {
                    "actor": series.actor,
                    "group": series.actor if series.actor in chosen else OTHERS,
                    "year": int(year),
                    "value": float(value),
                    "unit": series.unit,
                    "sources": ";".join(series.sources),
                }
            )
    columns = ["actor", "group", "year", "value", "unit", "sources"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["actor", "year"], kind="stable").reset_index(drop=True)


def term_frame(explanations: Sequence[Explanation]) -> pd.DataFrame:
    """Each lens's term totals (summed over the deciders) for one episode: lens, term, value."""
    import pandas as pd

    rows = [
        {"lens": e.lens, "term": term, "value": float(value)}
        for e in explanations
        for term, value in e.term_totals
    ]
    return pd.DataFrame(rows, columns=["lens", "term", "value"])


@dataclass(frozen=True)
class ScoreInterval:
    """A forecaster's mean Brier score over ``n`` episodes and its bootstrap interval.

    The interval resamples episodes with replacement (percentile bootstrap, ``draws`` resamples,
    central ``level``); it shows how much the score depends on which episodes happen to be in
    the file, not a sampling distribution of forecasts.
    """

    name: str
    kind: str
    n: int
    brier: float
    low: float
    high: float
    level: float
    draws: int


def score_intervals(
    result: BacktestResult,
    rng: np.random.Generator,
    *,
    draws: int = 2000,
    level: float = 0.9,
) -> list[ScoreInterval]:
    """Brier score of every lens and baseline with an episode-bootstrap interval."""
    from detente.experiments.backtest import BASELINES

    forecasts = result.forecasts
    names = [*result.lenses, *BASELINES]
    n = len(forecasts)
    if n == 0:
        return [ScoreInterval(k, "", 0, math.nan, math.nan, math.nan, level, 0) for k in names]
    y = np.array([f.y for f in forecasts], dtype=float)
    idx = rng.integers(0, n, size=(draws, n))  # the same resamples for every forecaster
    tail = (1.0 - level) / 2.0
    out = []
    for name in names:
        p = np.array([f.p[name] for f in forecasts], dtype=float)
        sq = (p - y) ** 2
        boot = sq[idx].mean(axis=1)
        low, high = np.quantile(boot, [tail, 1.0 - tail])
        kind = "baseline" if name in BASELINES else "lens"
        out.append(
            ScoreInterval(name, kind, n, float(sq.mean()), float(low), float(high), level, draws)
        )
    return out


def reliability_table(result: BacktestResult, name: str, bins: int = 5) -> pd.DataFrame:
    """Reliability (calibration) table of one forecaster: per equal-width probability bin, the
    number of episodes, their mean forecast and the observed share of yes outcomes.

    Empty bins are dropped. Columns: ``bin_low``, ``bin_high``, ``n``, ``mean_p``, ``observed``.
    """
    import pandas as pd

    p = np.array([f.p[name] for f in result.forecasts], dtype=float)
    y = np.array([f.y for f in result.forecasts], dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            rows.append(
                {
                    "bin_low": float(edges[b]),
                    "bin_high": float(edges[b + 1]),
                    "n": int(mask.sum()),
                    "mean_p": float(p[mask].mean()),
                    "observed": float(y[mask].mean()),
                }
            )
    return pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_p", "observed"])


def bibliography(world: World, cited: Iterable[str]) -> list[dict[str, str]]:
    """The world's source records for the ids in ``cited`` (unknown ids kept, marked as such),
    sorted by author/title, as plain strings ready for a template."""
    out = []
    for ident in sorted(set(cited)):
        src = world.sources.get(ident)
        if src is None:
            out.append({"id": ident, "text": "(not in the world's source list)", "url": ""})
            continue
        when = src.published or (str(src.year) if src.year else "n.d.")
        parts = [src.author or src.publisher or "", f"({when})", src.title]
        if src.publisher and src.author:
            parts.append(src.publisher)
        text = ". ".join(p.strip().rstrip(".") for p in parts if p) + "."
        out.append({"id": ident, "text": text, "url": src.url or ""})
    return sorted(out, key=lambda r: (r["text"].lower(), r["id"]))


def event_timeline(result: SimulationResult, highlight: Sequence[str]) -> pd.DataFrame:
    """The runs' state changes per year: ``year``, ``group`` (a highlighted actor, else
    :data:`OTHERS`), ``kind`` (join, exit, close) and ``per_run`` (mean count per run)."""
    import pandas as pd

    chosen = set(highlight)
    n = max(len(result.runs), 1)
    counts: dict[tuple[int, str, str], int] = {}
    for run in result.runs:
        for e in run:
            if e.kind == "episode":
                continue
            key = (e.year, e.actor if e.actor in chosen else OTHERS, e.kind)
            counts[key] = counts.get(key, 0) + 1
    rows = [
        {"year": y, "group": g, "kind": k, "per_run": c / n}
        for (y, g, k), c in sorted(counts.items())
    ]
    return pd.DataFrame(rows, columns=["year", "group", "kind", "per_run"])
