"""The timeline: the world a simulation moves through, with the decided events taken out.

How simulated and recorded events interact ("free" mode, the only mode): inside the window
``[1 Jan start, 1 Jan end+1)`` the simulation decides

* every **full membership** of an organisation of a kind in
  :data:`detente.decisions.opportunities.MEMBERSHIP_KINDS` that starts or ends (joining, leaving,
  suspending, freezing), and every other status record of those organisations;
* every **closing of a foreign military presence** (a base's end);
* every **hand-coded episode** dated in the window (offers, requests, invitations): it is decided
  on its day and its outcome is logged; a membership episode whose yes outcome is a join or an
  exit, and a basing episode about keeping a base, also change the run's state.

Those recorded events are removed from the facts the runs see and become the *target* the runs
are scored against (:mod:`detente.simulation.record`). Everything else follows the record as it
happens ("exogenous"): capabilities, threats, relations, agreements, officials, organisations'
foundings and ends, partnership statuses (PfP, EAPC), bases opening, and a base re-cut into a
successor record on the same day. Past the data's end the last relations and threats continue,
and capabilities follow the projection rule (:func:`project_capabilities`).

An organisation founded inside the window as a successor (the CSTO, 7 October 2002, from the CST)
takes over its predecessor's full members on that day: a succession is no decision.

The **reference path** is the world in which nothing decided changes (the facts above, the start's
members carried on); each run is the reference plus its own changes (:class:`Changes`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from detente.decisions import Episode
from detente.decisions.opportunities import MEMBERSHIP_KINDS, Opportunity, year_opportunities
from detente.world import Snapshot, World
from detente.world.records import (
    Base,
    CapabilitySeries,
    Membership,
    Organisation,
)
from detente.world.snapshot import cut

__all__ = [
    "PROJECTIONS",
    "SECURITY_KINDS",
    "Changes",
    "Timeline",
    "event_day",
    "project_capabilities",
]

SECURITY_KINDS = ("alliance", "collective-security")
"""Kinds of organisation decided by default: the alliances (NATO, the CST and the CSTO)."""

PROJECTIONS = ("hold", "trend")
"""Capability projection rules past a series' last year (see :func:`project_capabilities`)."""

TREND_YEARS = 5
"""Years of a series' end that the ``trend`` projection fits its growth rate on."""

EXIT_OUTCOMES = ("leave", "suspend", "freeze", "associate")
"""Yes outcomes of a membership episode that end a full membership."""


def event_day(year: int) -> dt.date:
    """The day a simulated yearly event is dated: 1 July, the middle of its window."""
    return dt.date(year, 7, 1)


def project_capabilities(
    series: Iterable[CapabilitySeries], last_year: int, rule: str
) -> tuple[CapabilitySeries, ...]:
    """Every series extended to ``last_year`` past its last known figure.

    ``hold`` repeats the last figure; ``trend`` grows it at the series' mean log growth over its
    last :data:`TREND_YEARS` known years (a single figure is held). A series whose last value is
    unknown (``None``) is not extended: unknown stays unknown.
    """
    if rule not in PROJECTIONS:
        raise ValueError(f"unknown projection {rule!r} (known: {', '.join(PROJECTIONS)})")
    out = []
    for s in series:
        known = sorted((y, v) for y, v in s.values.items() if v is not None)
        if not known or known[-1][0] >= last_year or s.values[max(s.values)] is None:
            out.append(s)
            continue
        y0, v0 = known[-1]
        growth = 0.0
        tail = [(y, v) for y, v in known if y > y0 - TREND_YEARS and v > 0]
        if rule == "trend" and len(tail) >= 2 and v0 > 0:
            growth = (np.log(tail[-1][1]) - np.log(tail[0][1])) / (tail[-1][0] - tail[0][0])
        values = dict(s.values)
        for y in range(y0 + 1, last_year + 1):
            values[y] = float(v0 * np.exp(growth * (y - y0)))
        out.append(s.model_copy(update={"values": values}))
    return tuple(out)


@dataclass(frozen=True)
class Changes:
    """One run's departures from the reference path, each dated.

    ``ended`` ends a reference membership ``(actor, org)`` on a day; ``joined`` adds a full
    membership from a day (``left`` ends it again); ``closed`` ends a base on a day.
    """

    ended: Mapping[tuple[str, str], dt.date] = field(default_factory=dict)
    joined: Mapping[tuple[str, str], dt.date] = field(default_factory=dict)
    left: Mapping[tuple[str, str], dt.date] = field(default_factory=dict)
    closed: Mapping[str, dt.date] = field(default_factory=dict)

    def key(self, actor: str | None = None) -> tuple[object, ...]:
        """A hashable key of the changes (only those involving ``actor``, if given)."""

        def keep(k: tuple[str, str]) -> bool:
            return actor is None or actor in k

        return (
            tuple(sorted((k, d) for k, d in self.ended.items() if keep(k))),
            tuple(sorted((k, d) for k, d in self.joined.items() if keep(k))),
            tuple(sorted((k, d) for k, d in self.left.items() if keep(k))),
            tuple(sorted((b, d) for b, d in self.closed.items() if actor is None or b == actor)),
        )

    def only(self, actor: str, hosts: Mapping[str, str]) -> Changes:
        """The changes involving ``actor`` (as a member, organisation or base host)."""
        return Changes(
            {k: d for k, d in self.ended.items() if actor in k},
            {k: d for k, d in self.joined.items() if actor in k},
            {k: d for k, d in self.left.items() if actor in k},
            {b: d for b, d in self.closed.items() if hosts.get(b) == actor},
        )

    def __bool__(self) -> bool:
        return bool(self.ended or self.joined or self.left or self.closed)


def _renewed(m: Membership, records: Sequence[Membership]) -> bool:
    return any(
        n.actor == m.actor and n.org == m.org and n.status == m.status and n.start == m.end
        for n in records
    )


def _base_renewed(b: Base, bases: Sequence[Base]) -> bool:
    return any(
        o.host == b.host and o.user == b.user and o.id != b.id and o.start == b.end for o in bases
    )


class Timeline:
    """The world of a simulation window: reference facts, snapshots and opportunities.

    Parameters
    ----------
    world:
        The world (built-in or a user's, possibly changed by a scenario).
    start, end:
        First and last simulated year (inclusive); steps are years.
    episodes:
        Hand-coded episodes; those dated in the window are decided by the runs.
    projection:
        The capability projection rule past the data's end (:data:`PROJECTIONS`).
    kinds:
        Kinds of organisation whose memberships the runs decide (default
        :data:`SECURITY_KINDS`; any of
        :data:`detente.decisions.opportunities.MEMBERSHIP_KINDS`); the others follow the record.
    """

    def __init__(
        self,
        world: World,
        start: int,
        end: int,
        episodes: Sequence[Episode],
        projection: str = "hold",
        kinds: Sequence[str] = (),
    ) -> None:
        if end < start:
            raise ValueError(f"the window ends ({end}) before it starts ({start})")
        self.world, self.start, self.end, self.projection = world, start, end, projection
        self.first_day, self.stop_day = dt.date(start, 1, 1), dt.date(end + 1, 1, 1)
        kinds = tuple(kinds) or SECURITY_KINDS
        unknown = sorted(set(kinds) - set(MEMBERSHIP_KINDS))
        if unknown:
            raise ValueError(
                f"cannot decide memberships of kind {', '.join(unknown)} (known: "
                f"{', '.join(MEMBERSHIP_KINDS)})"
            )
        self.kinds = kinds
        self.decided_orgs = frozenset(k for k, o in world.organisations.items() if o.kind in kinds)
        self.episodes = tuple(
            sorted(
                (
                    e
                    for e in episodes
                    if e.origin == "hand-coded" and self.first_day <= e.date < self.stop_day
                ),
                key=lambda e: (e.date, e.id),
            )
        )
        self.facts = self._reference_facts()
        self.hosts = {b.id: b.host for b in world.bases}
        self._snaps: dict[dt.date, Snapshot] = {}
        self._opps: dict[int, list[Opportunity]] = {}

    # -- the reference facts -----------------------------------------------------------------
    def _in_window(self, day: dt.date | None) -> bool:
        return day is not None and self.first_day <= day < self.stop_day

    def _reference_memberships(self) -> list[Membership]:
        w, out = self.world, []
        for m in w.memberships:
            if m.org not in self.decided_orgs:
                out.append(m)
                continue
            if m.start >= self.first_day:
                continue  # decided by the runs (successions are rebuilt below)
            org = w.organisations[m.org]
            ends_with_org = m.end is not None and m.end == org.ended
            if self._in_window(m.end) and not ends_with_org:
                m = m.model_copy(update={"end": None})
            out.append(m)
        for org in sorted(w.organisations.values(), key=lambda o: (o.founded, o.id)):
            if (
                org.id in self.decided_orgs
                and self._in_window(org.founded)
                and org.predecessor is not None
            ):
                day = org.founded
                for m in [x for x in out if x.org == org.predecessor and x.status == "member"]:
                    if m.start < day and (m.end is None or m.end >= day):
                        out.append(m.model_copy(update={"org": org.id, "start": day, "end": None}))
        return out

    def _reference_facts(self) -> World:
        """The world with the window's decided events undone: a copy, so no validation reruns
        and no snapshot of the recorded world is shared (its cache starts empty)."""
        w = self.world
        bases = []
        for b in w.bases:
            if self._in_window(b.end) and not _base_renewed(b, w.bases):
                b = b.model_copy(update={"end": None})
            bases.append(b)
        return replace(
            w,
            memberships=tuple(self._reference_memberships()),
            capabilities=project_capabilities(w.capabilities, self.end, self.projection),
            bases=tuple(bases),
            _snapshots={},
        )

    # -- snapshots -----------------------------------------------------------------------------
    def reference(self, day: dt.date) -> Snapshot:
        """The reference path as known before ``day`` (cached)."""
        snap = self._snaps.get(day)
        if snap is None:
            snap = self._snaps[day] = cut(day, self.facts)
        return snap

    def snapshot(self, day: dt.date, changes: Changes) -> Snapshot:
        """The reference snapshot before ``day`` with ``changes`` dated before ``day`` applied."""
        ref = self.reference(day)
        if not changes:
            return ref
        memberships = []
        for m in ref.memberships_:
            ended = changes.ended.get((m.actor, m.org))
            if ended is not None and m.status == "member" and ended < day and m.end is None:
                if ended <= m.start:
                    continue  # never held in this run (a succession it was not part of)
                m = m.model_copy(update={"end": ended})
            memberships.append(m)
        for (actor, org), start in changes.joined.items():
            if start >= day:
                continue
            left = changes.left.get((actor, org))
            end = left if left is not None and left < day else None
            memberships.append(
                Membership.model_construct(
                    actor=actor, org=org, start=start, end=end, status="member", sources=[]
                )
            )
        bases = []
        for b in ref.bases_:
            closed = changes.closed.get(b.id)
            if closed is not None and closed < day and b.end is None and closed > b.start:
                b = b.model_copy(update={"end": closed})
            bases.append(b)
        return replace(ref, memberships_=tuple(memberships), bases_=tuple(bases))

    # -- opportunities -----------------------------------------------------------------------
    def opportunities(self, year: int) -> list[Opportunity]:
        """The reference path's opportunities of ``year`` in the decided organisations and
        bases, without those within a year of a hand-coded episode of the same type, proposer and
        target (that decision is the episode's), sorted by id."""
        found = self._opps.get(year)
        if found is None:
            found = [
                o
                for o in year_opportunities(self.facts, year)
                if o.kind == "keep" or o.episode.target in self.decided_orgs
            ]
            found = [o for o in found if not self._near_episode(o.episode)]
            found.sort(key=lambda o: o.episode.id)
            self._opps[year] = found
        return found

    def _near_episode(self, candidate: Episode) -> bool:
        every = (e for e in self.world_episodes if e.origin == "hand-coded")
        return any(
            e.type == candidate.type
            and e.proposer == candidate.proposer
            and e.target == candidate.target
            and abs((e.date - candidate.date).days) < 365
            for e in every
        )

    world_episodes: tuple[Episode, ...] = ()
    """Every hand-coded episode (for the one-year exclusion), set by the simulation."""

    def run_opportunities(self, year: int, changes: Changes) -> list[Opportunity]:
        """A run's opportunities of ``year``: the reference's, less those its changes removed,
        plus those they opened (a state that left may join again; one that joined may leave)."""
        day = dt.date(year, 1, 1)
        base = self.opportunities(year)
        if not changes:
            return base
        gone_members = {k for k, d in changes.ended.items() if d < day}
        gone_members |= {k for k, d in changes.left.items() if d < day}
        new_members = {
            k for k, d in changes.joined.items() if d < day and k not in changes.left
        } | {k for k, d in changes.joined.items() if k in changes.left and changes.left[k] >= day}
        closed = {b for b, d in changes.closed.items() if d < day}
        out = []
        for o in base:
            e = o.episode
            pair = (e.proposer, e.target)
            if o.kind == "leave" and pair in gone_members:
                continue
            if o.kind == "join" and pair in new_members:
                continue
            if o.kind == "keep" and self._base_of(e) in closed:
                continue
            out.append(o)
        have = {(o.kind, o.episode.proposer, o.episode.target) for o in out}
        for actor, org in sorted(gone_members - new_members):
            if ("join", actor, org) not in have and self._alive(org, year):
                out.append(Opportunity("join", self._join(actor, org, year)))
        for actor, org in sorted(new_members):
            if ("leave", actor, org) not in have and self._alive(org, year, leaving=True):
                out.append(Opportunity("leave", self._leave(actor, org, year)))
        out.sort(key=lambda o: o.episode.id)
        return out

    def _base_of(self, e: Episode) -> str:
        return e.id.removeprefix("gen-keep-").rsplit("-", 1)[0]

    def base_id(self, opportunity: Opportunity) -> str:
        """The base a keep opportunity is about."""
        for b in self.facts.bases:
            if b.id.lower() == self._base_of(opportunity.episode):
                return b.id
        raise KeyError(opportunity.episode.id)

    def _alive(self, org: str, year: int, *, leaving: bool = False) -> bool:
        o = self.world.organisations[org]
        start, stop = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        holds = o.founded <= start and (o.ended is None or start < o.ended)
        return holds and not (leaving and o.ended is not None and o.ended < stop)

    def _cited(self, actor: str, org: str) -> list[str]:
        """Sources of the records an added opportunity rests on (the pair's memberships)."""
        found = [
            s
            for m in self.world.memberships
            if m.actor == actor and m.org == org
            for s in m.sources
        ]
        found = found or list(self.world.organisations[org].sources)
        return list(dict.fromkeys(found))[:3]

    @functools.cache  # noqa: B019 (one timeline per simulation; the cache dies with it)
    def _join(self, actor: str, org: str, year: int) -> Episode:
        name, org_name = self.world.name_of(actor), self.world.organisations[org].name
        return Episode.model_validate(
            {
                "id": f"gen-join-{actor.lower()}-{org.lower()}-{year}",
                "date": dt.date(year, 1, 1),
                "type": "membership",
                "proposer": actor,
                "target": org,
                "action": "join",
                "text": f"Simulated opportunity: will {name} become a full member of {org_name} "
                f"during {year}?",
                "recorded_outcome": "stay-out",
                "origin": "generated",
                "sources": self._cited(actor, org),
            }
        )

    @functools.cache  # noqa: B019
    def _leave(self, actor: str, org: str, year: int) -> Episode:
        name, org_name = self.world.name_of(actor), self.world.organisations[org].name
        return Episode.model_validate(
            {
                "id": f"gen-leave-{actor.lower()}-{org.lower()}-{year}",
                "date": dt.date(year, 1, 1),
                "type": "membership",
                "proposer": actor,
                "target": org,
                "action": "leave",
                "outcomes": ("exit", "stay"),
                "yes_outcome": "exit",
                "status_quo": "stay",
                "text": f"Simulated opportunity: will {name} leave, suspend or freeze its "
                f"membership of {org_name} during {year}?",
                "recorded_outcome": "stay",
                "origin": "generated",
                "sources": self._cited(actor, org),
            }
        )

    def successions(self, year: int) -> list[Organisation]:
        """Decided organisations founded in ``year`` as a successor of another."""
        return [
            o
            for o in sorted(self.world.organisations.values(), key=lambda o: (o.founded, o.id))
            if o.id in self.decided_orgs and o.predecessor is not None and o.founded.year == year
        ]

    def founders(self, org: Organisation) -> list[str]:
        """The reference path's founding members of a successor ``org``."""
        return sorted(
            m.actor
            for m in self.facts.memberships
            if m.org == org.id and m.start == org.founded and m.status == "member"
        )
