"""Regime type per state and year (Polity5's POLITY2), as the liberal lens reads it.

Moravcsik (1997) derives a state's preferences over international ties from the society and the
political institutions it represents; the measurable part of that claim used here is regime type.
States of similar regimes ally and cooperate more (Siverson & Emmons 1991; Lai & Reiter 2000),
democracies above all among themselves (Russett & Oneal 2001). The scores are Polity5's POLITY2
(Marshall & Gurr 2020), -10 (full autocracy) to +10 (full democracy), transcribed in
``data/lenses/regime.yaml`` with their source.

Knowledge time: a year's score describes the regime at the end of that year, so a question dated
in year ``Y`` reads year ``Y - 1`` at the latest (the one-year lag of Oneal & Russett 1997). Unknown
stays missing: a state Polity does not code, or a year with no POLITY2, gives ``None``. A score
is carried forward at most :data:`detente.world.snapshot.CARRY_YEARS` years past the last coded
year (the world's fill rule for yearly series), and the carried value says so in ``fill``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from detente.world.snapshot import CARRY_YEARS

__all__ = ["RegimeScore", "regime_score", "regime_similarity"]

POLITY_RANGE = 20.0
"""Width of the POLITY2 scale (-10 to +10)."""


@dataclass(frozen=True)
class RegimeScore:
    """A state's POLITY2 score as of a date: the value, the year it codes, how it was filled."""

    value: float
    year: int
    fill: str | None = None


@functools.cache
def _series() -> dict[str, tuple[dict[int, float], dict[int, str]]]:
    from detente.yamlio import package_data, read_yaml

    data, _ = read_yaml(package_data("lenses", "regime.yaml"))
    out: dict[str, tuple[dict[int, float], dict[int, str]]] = {}
    for state, record in data["states"].items():
        values = {int(y): float(v) for y, v in (record.get("values") or {}).items()}
        filled = {int(y): str(h) for y, h in (record.get("filled") or {}).items()}
        out[str(state)] = (values, filled)
    return out


def regime_score(state: str, date: dt.date) -> RegimeScore | None:
    """POLITY2 of ``state`` for the last year completed before ``date`` (``None`` if unknown).

    Where that year has no score but one of the :data:`CARRY_YEARS` years before it has, the
    latest such score is carried forward and ``fill`` says from which year. A year whose POLITY2
    is Polity's own conversion of a special code (an interregnum set to 0, a transition prorated)
    keeps that value, and ``fill`` names the conversion.
    """
    series = _series().get(state)
    if series is None:
        return None
    values, filled = series
    wanted = date.year - 1
    for year in range(wanted, wanted - CARRY_YEARS - 1, -1):
        if year in values:
            notes = []
            if year in filled:
                notes.append(f"Polity5 {year}: {filled[year]}")
            if year != wanted:
                notes.append(f"POLITY2 unknown for {wanted}: carried forward from {year}")
            return RegimeScore(values[year], year, "; ".join(notes) or None)
        if year in filled:
            return None  # a year Polity explicitly leaves without a score is not carried over
    return None


def regime_similarity(a: float, b: float) -> float:
    """``1 - 2 |a - b| / 20`` on [-1, 1]: 1 for the same POLITY2 score, 0 for scores 10 points
    apart (a full democracy and an anocracy), -1 for a full democracy and a full autocracy."""
    return 1.0 - 2.0 * abs(a - b) / POLITY_RANGE
