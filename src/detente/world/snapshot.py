"""A world as it stood on a date: only facts dated strictly before the cut-off.

This is the one door through which forecasts, lenses and backtests see the world, and it is what
keeps them honest: a fact dated on or after the cut-off is not merely ignored by the queries, it is
absent from the snapshot, and an interval that ends on or after the cut-off is shown as still open
(nobody knew then when it would end).

Knowledge time
--------------
A fact valid before the cut-off is not enough when it carries a coded judgement (a relation's
period and intensity, a threat's period, exposure and severity, a clause's obligation grade): the
judgement must have been possible then. A snapshot at ``date`` admits a judgement only if some of
its evidence (:meth:`~detente.world.records.Relation.evidence_ids`) was surely published before
``date`` (:meth:`~detente.world.records.Source.known_before`: a source dated to a month or a year
counts from the end of that month or year; an undated source does not hold a judgement back, and
the validator reports it). A withheld period
also keeps its predecessor open: the boundary between two periods is part of the later period's
coding, so if that period cannot be known yet, the earlier one is shown as continuing. Plain dated
events (memberships, bases, officials, signatures) are known on their day. :attr:`Snapshot.withheld`
lists what was held back.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from detente.world.records import (
    Agreement,
    Base,
    CapabilitySeries,
    ClauseVersion,
    Measure,
    Membership,
    MembershipStatus,
    Official,
    Organisation,
    Pledge,
    PledgedDecision,
    Relation,
    Source,
    State,
    Threat,
)

__all__ = ["CARRY_YEARS", "CapabilityValue", "ClauseAt", "Snapshot", "cut", "fill_capability"]

_Dated = TypeVar("_Dated", Membership, Base, Official, Pledge)


@dataclass(frozen=True)
class CapabilityValue:
    """One year's value of one measure for one actor, with its unit, basis and sources.

    ``year`` is the year the figure is for; ``wanted`` the year that was asked for. The two differ
    only for a *filled* value (:attr:`filled`), whose ``fill`` says how it was filled (see
    :data:`CARRY_YEARS` and :func:`fill_capability`).
    """

    actor: str
    measure: Measure
    year: int
    value: float
    unit: str
    basis: str
    sources: tuple[str, ...]
    wanted: int | None = None
    fill: str | None = None

    @property
    def filled(self) -> bool:
        """Whether the value is not the source's figure for the year wanted."""
        return self.fill is not None


CARRY_YEARS = 2
"""How many years a capability figure may be carried forward to a year the sources do not cover.

Two years cover the lag of the yearly releases (SIPRI publishes year Y's figures in April of
Y + 1) plus one missing year; an older figure is not carried forward at all: the value is unknown.
"""


@dataclass(frozen=True)
class ClauseAt:
    """A clause as worded on the snapshot's day (the latest version before the cut-off)."""

    agreement: str
    clause: str
    article: str
    kind: str
    org: str | None
    summary: str
    obligation: float
    sources: tuple[str, ...]


def _known(
    records: Iterable[_Dated], date: dt.date, *, start: str = "start", end: str = "end"
) -> tuple[_Dated, ...]:
    """Records whose ``start`` day is before ``date``, with a later day in ``end`` hidden.

    An interval's end, and a pledge's ``condition_met`` (``start="made"``), are both days the
    snapshot may not know yet: a day on or after ``date`` is shown as ``None`` (still open, not
    yet met).
    """
    out = []
    for record in records:
        if getattr(record, start) >= date:
            continue
        later = getattr(record, end)
        if later is not None and later >= date:
            record = record.model_copy(update={end: None})
        out.append(record)
    return tuple(out)


def _evidence_known(
    record: Relation | Threat | ClauseVersion, date: dt.date, sources: Mapping[str, Source]
) -> bool:
    """Whether some evidence of a coded judgement was published before ``date``.

    An undated source cannot be placed in time, so it does not hold a judgement back (a user's
    world without dates keeps its facts); ``detente world check`` reports every judgement that
    rests on undated evidence instead.
    """
    for ident in record.evidence_ids():
        src = sources.get(ident)
        if src is None:
            continue
        latest = src.published_latest()
        if latest is None or latest < date:
            return True
    return False


def _succession(record: Relation | Threat) -> tuple[str, ...]:
    """Periods of one relation (pair and kind) or one threat (origin and kind) follow each other."""
    if isinstance(record, Relation):
        return ("relation", *sorted((record.a, record.b)), record.kind)
    return ("threat", record.origin, record.kind)


_Judged = TypeVar("_Judged", Relation, Threat)


def _judged(
    records: Sequence[_Judged], date: dt.date, sources: Mapping[str, Source]
) -> tuple[tuple[_Judged, ...], tuple[_Judged, ...]]:
    """(admitted, withheld) judgement periods started before ``date`` (see module docstring)."""
    started = [r for r in records if r.start < date]
    withheld = [r for r in started if not _evidence_known(r, date, sources)]
    # a period whose successor is withheld has no known end yet
    open_ends = {(_succession(r), r.start) for r in withheld}
    admitted = []
    for r in started:
        if r in withheld:
            continue
        if r.end is not None and (r.end >= date or (_succession(r), r.end) in open_ends):
            r = r.model_copy(update={"end": None})
        admitted.append(r)
    return tuple(admitted), tuple(withheld)


def _known_agreement(
    agreement: Agreement, date: dt.date, sources: Mapping[str, Source]
) -> tuple[Agreement, list[str]]:
    """``agreement`` with only the clause versions in force and knowable before ``date``."""
    clauses = []
    withheld = []
    changed = False
    for clause in agreement.clauses:
        versions = []
        for v in clause.versions:
            if v.from_ >= date:
                changed = True
            elif not _evidence_known(v, date, sources):
                changed = True
                withheld.append(f"clause {agreement.id}/{clause.id} from {v.from_}")
            else:
                versions.append(v)
        if versions:
            clauses.append(clause.model_copy(update={"versions": versions}) if changed else clause)
        else:
            changed = True
    if not changed:
        return agreement, withheld
    return agreement.model_copy(update={"clauses": clauses}), withheld


def _describe(record: Relation | Threat) -> str:
    if isinstance(record, Relation):
        return f"relation {record.a}-{record.b} {record.kind} from {record.start}"
    return f"threat {record.id}"


def _known_org(org: Organisation, date: dt.date) -> Organisation:
    update: dict[str, object] = {}
    if org.ended is not None and org.ended >= date:
        update["ended"] = None
    suspensions = []
    for s in org.suspensions:
        if s.start < date:
            suspensions.append(s.model_copy(update={"end": None}) if s.end and s.end >= date else s)
    if suspensions != list(org.suspensions):
        update["suspensions"] = suspensions
    return org.model_copy(update=update) if update else org


def _holds(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day < end)


class Facts(Protocol):
    """What a snapshot is cut from: the record collections of a :class:`~detente.world.World`."""

    @property
    def states(self) -> dict[str, State]: ...
    @property
    def organisations(self) -> dict[str, Organisation]: ...
    @property
    def sources(self) -> dict[str, Source]: ...
    @property
    def memberships(self) -> Sequence[Membership]: ...
    @property
    def agreements(self) -> Sequence[Agreement]: ...
    @property
    def capabilities(self) -> Sequence[CapabilitySeries]: ...
    @property
    def bases(self) -> Sequence[Base]: ...
    @property
    def relations(self) -> Sequence[Relation]: ...
    @property
    def threats(self) -> Sequence[Threat]: ...
    @property
    def officials(self) -> Sequence[Official]: ...
    @property
    def pledges(self) -> Sequence[Pledge]: ...


def cut(date: dt.date, facts: Facts) -> Snapshot:
    """Build the snapshot of a world's facts at ``date`` (exclusive)."""
    caps = []
    # a year's figure is dated 31 December of that year (see records module), so it is known
    # before ``date`` exactly when its year is earlier than ``date``'s
    year = date.year
    for series in facts.capabilities:
        values = {y: v for y, v in series.values.items() if y < year}
        if not values:
            continue
        if len(values) == len(series.values):
            caps.append(series)  # every figure known: the (frozen) record as it is
        else:
            caps.append(series.model_copy(update={"values": values}))
    relations, held_relations = _judged(facts.relations, date, facts.sources)
    threats, held_threats = _judged(facts.threats, date, facts.sources)
    agreements = []
    withheld = [*map(_describe, held_relations), *map(_describe, held_threats)]
    for a in facts.agreements:
        if a.signed < date:
            known, held = _known_agreement(a, date, facts.sources)
            agreements.append(known)
            withheld += held
    return Snapshot(
        date=date,
        states=facts.states,
        orgs={k: _known_org(o, date) for k, o in facts.organisations.items() if o.founded < date},
        sources=facts.sources,
        memberships_=_known(facts.memberships, date),
        agreements=tuple(agreements),
        capability_series=tuple(caps),
        bases_=_known(facts.bases, date),
        relations_=relations,
        threats_=threats,
        officials_=_known(facts.officials, date),
        pledges_=_known(facts.pledges, date, start="made", end="condition_met"),
        withheld=tuple(withheld),
    )


@dataclass(frozen=True)
class Snapshot:
    """The facts of a world known before ``date``; queries answer for ``day`` (= date - 1 day)."""

    date: dt.date
    states: dict[str, State]
    orgs: dict[str, Organisation]
    sources: dict[str, Source]
    memberships_: tuple[Membership, ...]
    agreements: tuple[Agreement, ...]
    capability_series: tuple[CapabilitySeries, ...]
    bases_: tuple[Base, ...]
    relations_: tuple[Relation, ...]
    threats_: tuple[Threat, ...]
    officials_: tuple[Official, ...]
    pledges_: tuple[Pledge, ...] = ()
    withheld: tuple[str, ...] = ()
    """Judgements dated before the cut-off but held back: none of their evidence was known."""

    def __repr__(self) -> str:
        held = f", {len(self.withheld)} judgements withheld" if self.withheld else ""
        return (
            f"<Snapshot on {self.day} (facts before {self.date}): {len(self.organisations())} "
            f"organisations, {len(self.current_memberships())} memberships, "
            f"{len(self.bases())} bases, {len(self.relations())} relations, "
            f"{len(self.threats())} threats{held}>"
        )

    @functools.cached_property
    def day(self) -> dt.date:
        """The last day the snapshot describes."""
        # cached: every query of a held interval reads it (millions of times in a backtest)
        return self.date - dt.timedelta(days=1)

    # -- organisations and memberships -------------------------------------------------------
    def organisation(self, org: str) -> Organisation | None:
        """``org`` if it exists on :attr:`day` (founded, not yet ended), else ``None``."""
        record = self.orgs.get(org)
        if record is None or not _holds(record.founded, record.ended, self.day):
            return None
        return record

    def organisations(self) -> list[Organisation]:
        """Every organisation existing on :attr:`day`, sorted by id."""
        return [o for k, o in sorted(self.orgs.items()) if self.organisation(k) is not None]

    def current_memberships(self) -> list[Membership]:
        """Every membership holding on :attr:`day`."""
        return list(self._current_memberships)  # a fresh list: a caller may change its own

    @functools.cached_property
    def _current_memberships(self) -> tuple[Membership, ...]:
        # once per snapshot: members, status and the lenses' views all start from this list
        day = self.day
        return tuple(m for m in self.memberships_ if _holds(m.start, m.end, day))

    def members(self, org: str, status: MembershipStatus | None = "member") -> list[str]:
        """Sorted ids of the actors with ``status`` in ``org`` on :attr:`day` (``None``: any)."""
        return sorted(
            m.actor
            for m in self.current_memberships()
            if m.org == org and (status is None or m.status == status)
        )

    def status(self, actor: str, org: str) -> MembershipStatus | None:
        """``actor``'s status in ``org`` on :attr:`day`, or ``None`` if it has none."""
        for m in self.current_memberships():
            if m.actor == actor and m.org == org:
                return m.status
        return None

    def memberships_of(self, actor: str) -> list[Membership]:
        """``actor``'s memberships holding on :attr:`day`, sorted by organisation."""
        return sorted(
            (m for m in self.current_memberships() if m.actor == actor), key=lambda m: m.org
        )

    def shared_organisations(
        self, a: str, b: str, status: MembershipStatus | None = "member"
    ) -> list[str]:
        """Organisations in which both ``a`` and ``b`` hold ``status`` on :attr:`day`."""
        of_a = {m.org for m in self.memberships_of(a) if status is None or m.status == status}
        of_b = {m.org for m in self.memberships_of(b) if status is None or m.status == status}
        return sorted(of_a & of_b)

    def is_suspended(self, org: str, scope: str | None = None) -> bool:
        """Whether a suspension of ``org`` (of ``scope``, or any) covers :attr:`day`."""
        record = self.orgs.get(org)
        if record is None:
            return False
        return any(
            _holds(s.start, s.end, self.day) and (scope is None or s.scope in (scope, "all"))
            for s in record.suspensions
        )

    # -- capabilities -------------------------------------------------------------------------
    @functools.cached_property
    def _capability_index(self) -> dict[tuple[str, str], CapabilitySeries]:
        """The first series of each (actor, measure): what a scan of ``capability_series`` finds
        (the lenses ask for capabilities hundreds of thousands of times in a backtest)."""
        index: dict[tuple[str, str], CapabilitySeries] = {}
        for series in self.capability_series:
            index.setdefault((series.actor, series.measure), series)
        return index

    def capability(
        self,
        actor: str,
        measure: Measure,
        year: int | None = None,
        *,
        carry_years: int = CARRY_YEARS,
    ) -> CapabilityValue | None:
        """The value of ``measure`` for ``actor`` in ``year``, or ``None`` if it is unknown.

        ``year`` defaults to the last year whose figures are known at the cut-off (the year before
        the snapshot's date). A year the sources do not cover takes the latest earlier figure if
        it is at most ``carry_years`` older, marked as filled (:attr:`CapabilityValue.fill`);
        otherwise the value is unknown. Unknown is never 0.
        """
        # Answers are kept per snapshot (the snapshot and CapabilityValue are immutable): the
        # lenses and fill_capability ask for the same figures many times per question.
        key = (actor, measure, year, carry_years)
        memo = self._capability_memo
        if key not in memo:
            memo[key] = self._capability(actor, measure, year, carry_years)
        return memo[key]

    @functools.cached_property
    def _capability_memo(
        self,
    ) -> dict[tuple[str, str, int | None, int], CapabilityValue | None]:
        return {}

    def _capability(
        self, actor: str, measure: Measure, year: int | None, carry_years: int
    ) -> CapabilityValue | None:
        wanted = self.date.year - 1 if year is None else year
        series = self._capability_index.get((actor, measure))
        if series is None:
            return None
        years = [y for y in series.values if y <= wanted]
        if not years:
            return None
        latest = max(years)
        gap = wanted - latest
        if gap > carry_years:
            return None
        fill = None
        if gap:
            fill = f"{latest} figure carried forward {gap} year{'s' if gap > 1 else ''}"
        return CapabilityValue(
            actor,
            measure,
            latest,
            float(series.values[latest]),  # type: ignore[arg-type]
            series.unit,
            series.basis,
            tuple(series.sources),
            wanted,
            fill,
        )

    # -- agreements, bases, relations, threats, officials ------------------------------------
    def lineage(self, org: str) -> list[str]:
        """``org`` and its predecessors, newest first (e.g. CSTO, CST)."""
        chain = [org]
        record = self.orgs.get(org)
        while record is not None and record.predecessor and record.predecessor not in chain:
            chain.append(record.predecessor)
            record = self.orgs.get(record.predecessor)
        return chain

    def clauses(self, kind: str | None = None, org: str | None = None) -> list[ClauseAt]:
        """Clauses of agreements signed before the cut-off, each in its latest version.

        With ``org``, the agreements of ``org`` and of its predecessors: the CSTO inherits the
        Collective Security Treaty of the CST.
        """
        orgs = None if org is None else set(self.lineage(org))
        out = []
        for agreement in self.agreements:
            if orgs is not None and agreement.org not in orgs:
                continue
            for clause in agreement.clauses:
                if kind is not None and clause.kind != kind:
                    continue
                # the cut already dropped versions not in force or not knowable
                v = clause.versions[-1]
                out.append(
                    ClauseAt(
                        agreement.id,
                        clause.id,
                        clause.article,
                        clause.kind,
                        agreement.org,
                        v.summary,
                        v.obligation,
                        tuple(v.sources),
                    )
                )
        return out

    def bases(self, host: str | None = None, user: str | None = None) -> list[Base]:
        """Foreign military presences on :attr:`day`, optionally of one host or one user."""
        return [
            b
            for b in self.bases_
            if _holds(b.start, b.end, self.day)
            and (host is None or b.host == host)
            and (user is None or b.user == user)
        ]

    def relations(self, kind: str | None = None) -> list[Relation]:
        """Dyadic relations holding on :attr:`day`."""
        return [
            r
            for r in self.relations_
            if _holds(r.start, r.end, self.day) and (kind is None or r.kind == kind)
        ]

    def relation_intensity(self, a: str, b: str, kind: str = "rivalry") -> float:
        """Intensity on [0, 1] of the strongest ``kind`` relation between ``a`` and ``b``."""
        pair = {a, b}
        return max((r.intensity for r in self.relations(kind) if {r.a, r.b} == pair), default=0.0)

    def threats(self, exposed: str | None = None) -> list[Threat]:
        """Transnational threats on :attr:`day`, optionally only those ``exposed`` faces."""
        return [
            t
            for t in self.threats_
            if _holds(t.start, t.end, self.day) and (exposed is None or exposed in t.exposed)
        ]

    def pledges(
        self, org: str, decision: PledgedDecision, candidate: str | None = None
    ) -> list[Pledge]:
        """The pledges of ``org`` to take a ``decision`` that bind on :attr:`day`
        (:meth:`~detente.world.records.Pledge.binds`), optionally only those that speak for
        ``candidate``."""
        return [
            p
            for p in self.pledges_
            if p.org == org
            and p.decision == decision
            and p.binds(self.day)
            and (candidate is None or p.covers(candidate))
        ]

    def official(self, org: str, office: str = "secretary-general") -> Official | None:
        """Who held ``office`` in ``org`` on :attr:`day`."""
        for o in self.officials_:
            if o.org == org and o.office == office and _holds(o.start, o.end, self.day):
                return o
        return None


def fill_capability(
    snap: Snapshot, actor: str, measure: Measure, *, carry_years: int = CARRY_YEARS
) -> CapabilityValue | None:
    """The one fill rule for models that cannot work with an unknown capability.

    The actor's own figure if known (carried forward at most ``carry_years``, see
    :meth:`Snapshot.capability`); else the *smallest* figure of the same measure among the actors
    the sources do cover that year, marked as filled: an actor the sources miss is taken to be as
    small as the smallest one they cover, never absent (0). ``None`` if nobody's figure is known
    or ``actor`` is not one of the world's states. The result's ``fill`` says which rule applied,
    so explanations can show it.
    """
    own = snap.capability(actor, measure, carry_years=carry_years)
    if own is not None or actor not in snap.states:
        return own  # an organisation or an id the world does not know is not filled
    known = [
        v
        for v in (
            snap.capability(s.actor, measure, carry_years=carry_years)
            for s in snap.capability_series
            if s.measure == measure and s.actor != actor
        )
        if v is not None
    ]
    if not known:
        return None
    # figures in another unit than most are not comparable, so they cannot set the floor
    units = [v.unit for v in known]
    unit = max(set(units), key=lambda u: (units.count(u), u))
    floor = min((v for v in known if v.unit == unit), key=lambda v: (v.value, v.actor))
    wanted = snap.date.year - 1
    return CapabilityValue(
        actor,
        measure,
        floor.year,
        floor.value,
        floor.unit,
        floor.basis,
        floor.sources,
        wanted,
        f"unknown for {wanted}: filled with the smallest known {measure} ({floor.actor}, "
        f"{floor.value:g} {floor.unit})",
    )
