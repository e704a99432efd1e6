"""Flat views of a world for people and data frames: one row per record, with its sources.

:func:`view_rows` gives plain rows (dicts of scalars, dates and tuples of ids) for every record of
a kind, or, with ``on``, for those holding at the end of that day *as known then* (the snapshot's
view: ends after the day are hidden, judgements without published evidence are withheld).
:meth:`World.frame <detente.world.World.frame>` turns the same rows into a tidy
:class:`pandas.DataFrame` and ``detente world KIND`` prints them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from detente.errors import InputError
from detente.world.records import (
    Agreement,
    Base,
    Membership,
    Official,
    Organisation,
    Pledge,
    Relation,
    Source,
    State,
    Threat,
)
from detente.world.snapshot import _holds

if TYPE_CHECKING:
    import pandas as pd

    from detente.world.model import World
    from detente.world.snapshot import Snapshot

__all__ = ["VIEW_KINDS", "frame_of", "view_rows"]

VIEW_KINDS = (
    "sources",
    "states",
    "organisations",
    "memberships",
    "agreements",
    "clauses",
    "capabilities",
    "bases",
    "relations",
    "threats",
    "officials",
    "pledges",
)
"""The kinds :func:`view_rows` knows: the record sections plus ``clauses`` (one row per version)."""

Row = dict[str, Any]


def _ids(values: list[str]) -> tuple[str, ...]:
    return tuple(values)


def _source(s: Source) -> Row:
    return {
        "id": s.id,
        "kind": s.kind,
        "title": s.title,
        "author": s.author,
        "publisher": s.publisher,
        "published": s.published or (s.date.isoformat() if s.date else None) or s.year,
        "known_after": s.published_latest(),
        "url": s.url,
    }


def _state(s: State) -> Row:
    return {"id": s.id, "name": s.name, "cow": s.cow, "sources": _ids(s.sources)}


def _organisation(o: Organisation) -> Row:
    return {
        "id": o.id,
        "name": o.name,
        "kind": o.kind,
        "founded": o.founded,
        "ended": o.ended,
        "decision_rule": o.decision_rule,
        "predecessor": o.predecessor,
        "sources": _ids(o.sources),
    }


def _membership(m: Membership) -> Row:
    return {
        "actor": m.actor,
        "org": m.org,
        "status": m.status,
        "start": m.start,
        "end": m.end,
        "sources": _ids(m.sources),
    }


def _agreement(a: Agreement) -> Row:
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind,
        "signed": a.signed,
        "in_force": a.in_force,
        "ended": a.ended,
        "org": a.org,
        "parties": _ids(a.parties),
        "clauses": tuple(c.id for c in a.clauses),
        "sources": _ids(a.sources),
    }


def _clauses(a: Agreement) -> list[Row]:
    return [
        {
            "agreement": a.id,
            "clause": c.id,
            "article": c.article,
            "kind": c.kind,
            "from": v.from_,
            "obligation": v.obligation,
            "summary": v.summary,
            "sources": _ids(v.sources),
            "evidence": _ids(v.evidence_ids()),
        }
        for c in a.clauses
        for v in c.versions
    ]


def _base(b: Base) -> Row:
    return {
        "id": b.id,
        "name": b.name,
        "host": b.host,
        "user": b.user,
        "start": b.start,
        "end": b.end,
        "personnel": b.personnel,
        "sources": _ids(b.sources),
    }


def _relation(r: Relation) -> Row:
    return {
        "a": r.a,
        "b": r.b,
        "kind": r.kind,
        "start": r.start,
        "end": r.end,
        "intensity": r.intensity,
        "sources": _ids(r.sources),
        "evidence": _ids(r.evidence_ids()),
    }


def _threat(t: Threat) -> Row:
    return {
        "id": t.id,
        "kind": t.kind,
        "origin": t.origin,
        "exposed": _ids(t.exposed),
        "start": t.start,
        "end": t.end,
        "severity": t.severity,
        "sources": _ids(t.sources),
        "evidence": _ids(t.evidence_ids()),
    }


def _official(o: Official) -> Row:
    return {
        "org": o.org,
        "office": o.office,
        "person": o.person,
        "nationality": o.nationality,
        "start": o.start,
        "end": o.end,
        "acting": o.acting,
        "sources": _ids(o.sources),
    }


def _pledge(p: Pledge) -> Row:
    return {
        "id": p.id,
        "org": p.org,
        "decision": p.decision,
        "made": p.made,
        "candidates": _ids(p.candidates),
        "due": p.due,
        "condition": p.condition,
        "condition_met": p.condition_met,
        "sources": _ids(p.sources),
    }


def _capabilities_all(world: World) -> list[Row]:
    return [
        {
            "actor": s.actor,
            "measure": s.measure,
            "year": year,
            "value": value,
            "unit": s.unit,
            "basis": s.basis,
            "filled": None,
            "sources": _ids(s.sources),
        }
        for s in sorted(world.capabilities, key=lambda s: (s.actor, s.measure))
        for year, value in sorted(s.values.items())
    ]


def _capabilities_on(snap: Snapshot) -> list[Row]:
    rows = []
    for s in sorted(snap.capability_series, key=lambda s: (s.actor, s.measure)):
        v = snap.capability(s.actor, s.measure)
        if v is not None:
            rows.append(
                {
                    "actor": v.actor,
                    "measure": v.measure,
                    "year": v.year,
                    "value": v.value,
                    "unit": v.unit,
                    "basis": v.basis,
                    "filled": v.fill,
                    "sources": v.sources,
                }
            )
    return rows


def _check_kind(kind: str) -> None:
    if kind not in VIEW_KINDS:
        raise InputError(f"unknown record kind {kind!r} (expected one of: {', '.join(VIEW_KINDS)})")


def view_rows(world: World, kind: str, on: dt.date | None = None) -> list[Row]:
    """One row per record of ``kind`` (see :data:`VIEW_KINDS`); with ``on``, only the records
    holding at the end of that day as known then (``world.on(on)``)."""
    _check_kind(kind)
    if on is None:
        return _rows_all(world, kind)
    return _rows_on(world.on(on), kind)


def _rows_all(world: World, kind: str) -> list[Row]:
    if kind == "sources":
        return [_source(s) for _, s in sorted(world.sources.items())]
    if kind == "states":
        return [_state(s) for _, s in sorted(world.states.items())]
    if kind == "organisations":
        return [_organisation(o) for _, o in sorted(world.organisations.items())]
    if kind == "memberships":
        rows = [_membership(m) for m in world.memberships]
        return sorted(rows, key=lambda r: (r["org"], r["actor"], r["start"]))
    if kind == "agreements":
        return [_agreement(a) for a in sorted(world.agreements, key=lambda a: (a.signed, a.id))]
    if kind == "clauses":
        return [r for a in sorted(world.agreements, key=lambda a: a.signed) for r in _clauses(a)]
    if kind == "capabilities":
        return _capabilities_all(world)
    if kind == "pledges":
        return [_pledge(p) for p in sorted(world.pledges, key=lambda p: (p.made, p.id))]
    return _dated_rows(kind, world.bases, world.relations, world.threats, world.officials)


def _rows_on(snap: Snapshot, kind: str) -> list[Row]:
    if kind == "sources":
        return [_source(s) for _, s in sorted(snap.sources.items()) if s.known_before(snap.date)]
    if kind == "states":
        return [_state(s) for _, s in sorted(snap.states.items())]
    if kind == "organisations":
        return [_organisation(o) for o in snap.organisations()]
    if kind == "memberships":
        rows = [_membership(m) for m in snap.current_memberships()]
        return sorted(rows, key=lambda r: (r["org"], r["actor"], r["start"]))
    if kind == "agreements":
        return [_agreement(a) for a in sorted(snap.agreements, key=lambda a: (a.signed, a.id))]
    if kind == "clauses":
        return [
            {
                "agreement": c.agreement,
                "clause": c.clause,
                "article": c.article,
                "kind": c.kind,
                "obligation": c.obligation,
                "summary": c.summary,
                "sources": c.sources,
            }
            for c in snap.clauses()
        ]
    if kind == "capabilities":
        return _capabilities_on(snap)
    if kind == "pledges":
        binding = [p for p in snap.pledges_ if p.binds(snap.day)]
        return [_pledge(p) for p in sorted(binding, key=lambda p: (p.made, p.id))]
    officials = [o for o in snap.officials_ if _holds(o.start, o.end, snap.day)]
    return _dated_rows(kind, snap.bases(), snap.relations(), snap.threats(), officials)


def _dated_rows(
    kind: str,
    bases: Any,
    relations: Any,
    threats: Any,
    officials: Any,
) -> list[Row]:
    if kind == "bases":
        return [_base(b) for b in sorted(bases, key=lambda b: (b.host, b.start, b.id))]
    if kind == "relations":
        return [
            _relation(r)
            for r in sorted(relations, key=lambda r: (*sorted((r.a, r.b)), r.kind, r.start))
        ]
    if kind == "threats":
        return [_threat(t) for t in sorted(threats, key=lambda t: (t.origin, t.kind, t.start))]
    return [_official(o) for o in sorted(officials, key=lambda o: (o.org, o.office, o.start))]


_DATE_COLUMNS = (
    "start", "end", "founded", "ended", "signed", "in_force", "from", "known_after", "made", "due",
    "condition_met",
)  # fmt: skip


def frame_of(rows: list[Row], kind: str) -> pd.DataFrame:
    """The rows as a tidy :class:`pandas.DataFrame`: one row per record, date columns as
    ``datetime64`` (``NaT`` for an open end), id lists as tuples."""
    import pandas as pd  # lazily: only frames need pandas

    columns = list(rows[0]) if rows else list(_rows_columns(kind))
    frame = pd.DataFrame(rows, columns=columns)
    for col in _DATE_COLUMNS:
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col])
    return frame


def _rows_columns(kind: str) -> tuple[str, ...]:
    """Column names of an empty view (the same as a non-empty one)."""
    samples: dict[str, tuple[str, ...]] = {
        "sources": (
            "id", "kind", "title", "author", "publisher", "published", "known_after", "url"
        ),
        "states": ("id", "name", "cow", "sources"),
        "organisations": (
            "id", "name", "kind", "founded", "ended", "decision_rule", "predecessor", "sources"
        ),
        "memberships": ("actor", "org", "status", "start", "end", "sources"),
        "agreements": (
            "id", "name", "kind", "signed", "in_force", "ended", "org", "parties", "clauses",
            "sources",
        ),
        "clauses": (
            "agreement", "clause", "article", "kind", "from", "obligation", "summary", "sources",
            "evidence",
        ),
        "capabilities": (
            "actor", "measure", "year", "value", "unit", "basis", "filled", "sources"
        ),
        "bases": ("id", "name", "host", "user", "start", "end", "personnel", "sources"),
        "relations": ("a", "b", "kind", "start", "end", "intensity", "sources", "evidence"),
        "threats": (
            "id", "kind", "origin", "exposed", "start", "end", "severity", "sources", "evidence"
        ),
        "officials": (
            "org", "office", "person", "nationality", "start", "end", "acting", "sources"
        ),
        "pledges": (
            "id", "org", "decision", "made", "candidates", "due", "condition", "condition_met",
            "sources",
        ),
    }  # fmt: skip
    return samples[kind]
