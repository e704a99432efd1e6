"""Checks that need the whole world: ids that must exist, ids that must be unique, intervals that
must not overlap. Each returns :class:`~detente.errors.Problem` records located at file, line and
field; :func:`check_entries` runs them all so that every problem is reported at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from pydantic import BaseModel

from detente.errors import Problem
from detente.world.loader import Entry
from detente.world.records import (
    NATURAL_KEYS,
    Agreement,
    Base,
    CapabilitySeries,
    Membership,
    Official,
    Organisation,
    Pledge,
    Relation,
    Source,
    Threat,
    natural_key,
)
from detente.yamlio import field_name

__all__ = ["check_entries", "cited_sources"]


def _problem(entry: Entry, field: tuple[str | int, ...], message: str) -> Problem:
    name = field_name((entry.kind, entry.index, *field))
    return Problem(entry.file, entry.line_of(*field), name, f"{_label(entry)}: {message}")


def _label(entry: Entry) -> str:
    """A short name of the record a problem is in, e.g. ``UZB in CSTO`` or ``ffi-2007``."""
    record = entry.record
    if isinstance(record, Membership):
        return f"{record.actor} in {record.org}"
    ident = getattr(record, "id", None) or getattr(record, "actor", None)
    return str(ident) if ident is not None else entry.kind


def _duplicates(entries: Sequence[Entry]) -> Iterator[Problem]:
    """No two records of a kind share a natural key; no id names both a state and an org."""
    seen: dict[tuple[str, tuple[object, ...]], Entry] = {}
    actor_kind: dict[str, str] = {}
    for entry in entries:
        key = natural_key(entry.kind, entry.record)
        first = seen.get((entry.kind, key))
        if first is not None:
            fields = NATURAL_KEYS[entry.kind]
            what = (
                f"duplicate id {key[0]!r}"
                if fields == ("id",)
                else f"a second record with {', '.join(fields)} = " + "/".join(str(v) for v in key)
            )
            yield _problem(entry, (fields[0],), f"{what} (first defined at {first.place})")
            continue
        seen[(entry.kind, key)] = entry
        if entry.kind in ("states", "organisations"):
            ident = str(key[0])
            other = actor_kind.setdefault(ident, entry.kind)
            if other != entry.kind:
                yield _problem(entry, ("id",), f"id {ident!r} names both a state and an org")


def _work_title(title: str) -> str:
    """A title reduced to its words, for comparison (case, quotes and punctuation ignored)."""
    return " ".join(re.findall(r"\w+", title.casefold()))


def _work_url(url: str) -> str:
    """An address without scheme, ``www.`` or trailing slash, for comparison."""
    bare = re.sub(r"^[a-z]+://", "", url.strip().casefold())
    return bare.removeprefix("www.").rstrip("/")


def _same_work(entries: Sequence[Entry]) -> Iterator[Problem]:
    """No work is cited under two ids: two sources may not share an address, nor a title unless
    their publication dates differ (two editions or two releases of one title are two works)."""
    by_url: dict[str, Entry] = {}
    by_title: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        record = entry.record
        if not isinstance(record, Source):
            continue
        if record.url:
            first = by_url.setdefault(_work_url(record.url), entry)
            if first is not entry:
                yield _problem(
                    entry,
                    ("url",),
                    f"the same address as source {_label(first)!r} (first defined at "
                    f"{first.place}): cite one id for one work",
                )
                continue
        when = record.published or (str(record.year) if record.year else None)
        for first in by_title[_work_title(record.title)]:
            other = first.record
            assert isinstance(other, Source)
            other_when = other.published or (str(other.year) if other.year else None)
            if when is None or other_when is None or when[:4] == other_when[:4]:
                yield _problem(
                    entry,
                    ("title",),
                    f"the same title as source {_label(first)!r} (first defined at "
                    f"{first.place}): cite one id for one work",
                )
                break
        by_title[_work_title(record.title)].append(entry)


def cited_sources(
    record: BaseModel, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every source id a record cites (``sources`` and ``evidence``), nested records included,
    with its field path."""
    for name in type(record).model_fields:
        value = getattr(record, name)
        if name in ("sources", "evidence") and isinstance(value, list):
            for i, ident in enumerate(value):
                yield (*path, name, i), ident
        elif isinstance(value, BaseModel):
            yield from cited_sources(value, (*path, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from cited_sources(item, (*path, name, i))


def _unknown_sources(entries: Sequence[Entry], sources: set[str]) -> Iterator[Problem]:
    for entry in entries:
        for path, ident in cited_sources(entry.record):
            if ident not in sources:
                yield _problem(entry, path, f"unknown source id {ident!r}")


_ACTOR_FIELDS: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {
    Membership: (("actor", "actor"), ("org", "organisation")),
    Base: (("host", "state"), ("user", "actor")),
    Relation: (("a", "actor"), ("b", "actor")),
    Threat: (("origin", "actor"), ("exposed", "actor")),
    Official: (("org", "organisation"), ("nationality", "state")),
    Pledge: (("org", "organisation"), ("candidates", "actor")),
    Agreement: (("org", "organisation"), ("parties", "actor")),
    Organisation: (("predecessor", "organisation"),),
    CapabilitySeries: (("actor", "actor"),),
}
"""Which fields of which record refer to a state, an organisation, or either (an actor)."""


def _actor_fields(record: BaseModel) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(field path, id, expected kind) of every actor reference in a record."""
    for name, kind in _ACTOR_FIELDS.get(type(record), ()):
        value = getattr(record, name)
        if isinstance(value, list):
            for i, ident in enumerate(value):
                yield (name, i), ident, kind
        elif value is not None:
            yield (name,), value, kind


def _unknown_actors(
    entries: Sequence[Entry], states: set[str], orgs: set[str]
) -> Iterator[Problem]:
    known = {"state": states, "organisation": orgs, "actor": states | orgs}
    for entry in entries:
        for path, ident, kind in _actor_fields(entry.record):
            if ident not in known[kind]:
                yield _problem(entry, path, f"unknown {kind} id {ident!r}")


def _overlaps(entries: Sequence[Entry]) -> Iterator[Problem]:
    """Membership intervals of one actor in one organisation must not overlap."""
    spans: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        if isinstance(entry.record, Membership):
            spans[(entry.record.actor, entry.record.org)].append(entry)
    for group in spans.values():
        group.sort(key=lambda e: e.record.start)  # type: ignore[attr-defined]
        for prev, this in itertools.pairwise(group):
            p: Membership = prev.record  # type: ignore[assignment]
            t: Membership = this.record  # type: ignore[assignment]
            if p.end is None or p.end > t.start:
                until = "open-ended" if p.end is None else f"until {p.end}"
                yield _problem(
                    this,
                    ("start",),
                    f"the interval from {t.start} overlaps the one from {p.start} ({until}"
                    + (f", {prev.file}:{prev.line})" if prev.file else ")"),
                )


def _before_founding(entries: Sequence[Entry], founded: dict[str, dt.date]) -> Iterator[Problem]:
    for entry in entries:
        record = entry.record
        if (
            isinstance(record, Membership)
            and record.org in founded
            and record.start < founded[record.org]
        ):
            yield _problem(
                entry,
                ("start",),
                f"starts {record.start}, before {record.org} was founded ({founded[record.org]})",
            )


def _ids(entries: Iterable[Entry], kind: str) -> set[str]:
    return {str(getattr(e.record, "id")) for e in entries if e.kind == kind}  # noqa: B009


def check_entries(entries: Sequence[Entry]) -> list[Problem]:
    """Every whole-world problem of a list of records, in file and line order."""
    states, orgs = _ids(entries, "states"), _ids(entries, "organisations")
    founded = {e.record.id: e.record.founded for e in entries if isinstance(e.record, Organisation)}
    problems = [
        *_duplicates(entries),
        *_same_work(entries),
        *_unknown_sources(entries, _ids(entries, "sources")),
        *_unknown_actors(entries, states, orgs),
        *_overlaps(entries),
        *_before_founding(entries, founded),
    ]
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.field or ""))
