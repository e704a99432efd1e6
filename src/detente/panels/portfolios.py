"""Alliance portfolios by year, read from a world's agreements or from an ATOP file.

A :class:`Portfolios` holds, for each year, the N x N matrix of alliance levels between the states
(ATOP's valued scale, :mod:`detente.measures.portfolio`: 3 defence, 2 consultation or neutrality,
1 non-aggression, 0 none; each state at 3 with itself) and which states are in the system that
year.

From a world (:func:`world_portfolios`), as of the end of each year (31 December):

* an agreement binds if it has not ended by that day; its clauses count in their latest version
  whose ``from`` date (entry into force) is on or before the day;
* a ``collective-defence`` clause gives level 3, a ``consultation`` clause level 2; other clause
  kinds (basing consent, decision rules, withdrawal) are not obligations between the parties;
* the parties bound are the states with status ``member`` that day in the agreement's
  organisation or in a successor of it (the CSTO inherits the CST's treaty), or, for an agreement
  without an organisation, its listed parties (an organisation listed as a party stands for its
  members). Suspended, frozen, partner and observer states are not bound;
* a pair keeps the highest level of the agreements binding both.

The system of a year is the states that are members of ``system_org`` (default the UN, whose
membership is the Correlates of War criterion for statehood after 1920) at the end of the year;
with ``system_org=None``, every state of the world in every year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.errors import InputError, Problem
from detente.measures.portfolio import TOP_LEVEL
from detente.world import Snapshot, World
from detente.world.records import Agreement

__all__ = ["CLAUSE_LEVELS", "Portfolios", "world_portfolios", "year_end"]

CLAUSE_LEVELS: dict[str, int] = {"collective-defence": TOP_LEVEL, "consultation": 2}
"""The valued level that each clause kind gives the parties (other kinds: none)."""


def year_end(year: int) -> dt.date:
    """The day a year's values are taken on: 31 December (values are as of the year's end)."""
    return dt.date(year, 12, 31)


@dataclass(frozen=True, eq=False)
class Portfolios:
    """Alliance levels between states, year by year.

    Attributes
    ----------
    states:
        State ids (the world's ids, or ``COW<ccode>`` for a state the world does not know).
    cow:
        Correlates of War code of each state.
    years:
        The years, increasing.
    levels:
        int8 array (years, states, states): valued level 0-3 of each directed pair, 3 on the
        diagonal of present states.
    present:
        bool array (years, states): whether the state is in the system that year.
    source:
        Where the alliances came from (a world's name or a file), for citations and logs.
    """

    states: tuple[str, ...]
    cow: tuple[int, ...]
    years: tuple[int, ...]
    levels: npt.NDArray[np.int8]
    present: npt.NDArray[np.bool_]
    source: str

    def __post_init__(self) -> None:
        t, n = len(self.years), len(self.states)
        if self.levels.shape != (t, n, n) or self.present.shape != (t, n):
            raise ValueError("levels must be (years, states, states) and present (years, states)")

    def year_index(self, year: int) -> int:
        """Position of ``year`` in :attr:`years`."""
        try:
            return self.years.index(year)
        except ValueError:
            raise InputError(
                Problem(
                    None,
                    None,
                    "year",
                    f"{year} is not covered by the alliances of "
                    f"{self.source} ({self.years[0]}-{self.years[-1]})",
                )
            ) from None


def _successors(world: World, org: str) -> set[str]:
    """``org`` and every organisation whose chain of predecessors reaches it."""
    out = {org}
    changed = True
    while changed:
        changed = False
        for o in world.organisations.values():
            if o.predecessor in out and o.id not in out:
                out.add(o.id)
                changed = True
    return out


def _agreement_level(agreement: Agreement, day: dt.date) -> int:
    if agreement.ended is not None and agreement.ended <= day:
        return 0
    level = 0
    for clause in agreement.clauses:
        if clause.kind in CLAUSE_LEVELS and any(v.from_ <= day for v in clause.versions):
            level = max(level, CLAUSE_LEVELS[clause.kind])
    return level


def _bound(world: World, snap: Snapshot, agreement: Agreement) -> set[str]:
    if agreement.org is not None:
        parties: set[str] = set()
        for org in _successors(world, agreement.org):
            if snap.organisation(org) is not None:
                parties.update(snap.members(org))
        return parties
    parties = set()
    for actor in agreement.parties:
        parties.update(snap.members(actor) if actor in world.organisations else [actor])
    return parties


def system_states(world: World, snap: Snapshot, system_org: str | None) -> set[str]:
    """The states in the system on the snapshot's day (members of ``system_org``, or all)."""
    if system_org is None:
        return set(world.states)
    world.require_organisation(system_org)
    return set(snap.members(system_org)) & set(world.states)


def world_portfolios(
    world: World, years: Sequence[int], *, system_org: str | None = "UN"
) -> Portfolios:
    """The world's alliance portfolios at the end of each of ``years`` (see the module notes).

    Parameters
    ----------
    world : World
        The facts.
    years : sequence of int
        Increasing years.
    system_org : str or None
        Organisation whose members form the system each year (default ``"UN"``); ``None``: all
        of the world's states every year.

    Returns
    -------
    Portfolios
    """
    states = tuple(sorted(world.states))
    index = {s: i for i, s in enumerate(states)}
    n, t = len(states), len(years)
    levels = np.zeros((t, n, n), dtype=np.int8)
    present = np.zeros((t, n), dtype=bool)
    for k, year in enumerate(years):
        day = year_end(year)
        snap = world.on(day)
        for s in system_states(world, snap, system_org):
            present[k, index[s]] = True
        for agreement in snap.agreements:
            level = _agreement_level(agreement, day)
            if level == 0:
                continue
            idx = np.array(sorted(index[p] for p in _bound(world, snap, agreement) if p in index))
            if idx.size < 2:
                continue
            block = np.ix_(idx, idx)
            levels[k][block] = np.maximum(levels[k][block], level)
        levels[k][np.diag_indices(n)] = TOP_LEVEL
    levels[~present[:, :, None] | ~present[:, None, :]] = 0
    diag = np.arange(n)
    levels[:, diag, diag] = np.where(present, TOP_LEVEL, 0).astype(np.int8)
    return Portfolios(
        states=states,
        cow=tuple(world.states[s].cow for s in states),
        years=tuple(years),
        levels=levels,
        present=present,
        source=world.header.name,
    )
