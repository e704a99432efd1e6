"""The :class:`World`: every dated, sourced fact of a security system, and its loading.

A ``World`` is immutable. Ask it questions as of a date through :meth:`World.at` (facts dated
strictly before the date) or :meth:`World.on` (facts dated on or before the day).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from detente.errors import InputError, Problem, UnknownIdError
from detente.world.records import (
    RECORD_TYPES,
    Agreement,
    Base,
    CapabilitySeries,
    Membership,
    Official,
    Organisation,
    Pledge,
    Relation,
    Source,
    State,
    Threat,
    WorldHeader,
)
from detente.world.snapshot import Snapshot, cut

# Reading and validating (YAML, the loader, the whole-world checks) is imported where it is used:
# a process that finds the built-in world in the cache (detente.world.cache) needs none of it.
if TYPE_CHECKING:
    import pandas as pd

    from detente.world.extension import Extension
    from detente.world.knowledge import EpisodeLike
    from detente.world.loader import Entry, ParsedFiles

__all__ = ["World", "builtin_world", "check_world", "inspect_world", "load_world"]

_BY_TYPE: dict[type[BaseModel], str] = {model: key for key, model in RECORD_TYPES.items()}


@dataclass(frozen=True, eq=False)
class World:
    """A validated set of facts. Build one with :func:`load_world` or :meth:`from_records`."""

    header: WorldHeader
    states: dict[str, State]
    organisations: dict[str, Organisation]
    sources: dict[str, Source]
    memberships: tuple[Membership, ...]
    agreements: tuple[Agreement, ...]
    capabilities: tuple[CapabilitySeries, ...]
    bases: tuple[Base, ...]
    relations: tuple[Relation, ...]
    threats: tuple[Threat, ...]
    officials: tuple[Official, ...]
    pledges: tuple[Pledge, ...] = ()
    extension: Extension | None = None
    """What extending the built-in world added, replaced and kept (``None``: not an extension)."""
    _snapshots: dict[dt.date, Snapshot] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        # one line: the default dataclass repr prints every record (about 200,000 characters)
        covers = self.header.covers
        span = f", {covers[0]} to {covers[1]}" if covers else ""
        return (
            f"<World {self.header.name!r}{span}: {len(self.states)} states, "
            f"{len(self.organisations)} organisations, {len(self.memberships)} memberships, "
            f"{len(self.sources)} sources>"
        )

    @classmethod
    def from_records(cls, records: Iterable[BaseModel], header: WorldHeader | None = None) -> World:
        """Validate in-memory records as a whole world (raises :class:`InputError`)."""
        counter: dict[str, int] = {}
        entries = [_entry(r, counter) for r in records]
        return _build(entries, header or WorldHeader(name="unnamed world"))

    def frame(self, kind: str, on: dt.date | None = None) -> pd.DataFrame:
        """The records of ``kind`` as a tidy :class:`pandas.DataFrame`, one row per record with
        its sources (see :mod:`detente.world.views` for the kinds and columns).

        With ``on``, only the records holding at the end of that day, as known then.
        """
        from detente.world.views import frame_of, view_rows

        return frame_of(view_rows(self, kind, on), kind)

    # -- time -----------------------------------------------------------------------------------
    def at(self, date: dt.date) -> Snapshot:
        """The world as known before ``date``: only facts dated strictly before it.

        ``date`` may be a :class:`datetime.date`, a :class:`datetime.datetime` (its day is used)
        or an ISO ``YYYY-MM-DD`` string. The last :data:`SNAPSHOT_CACHE` snapshots are kept.
        """
        day = as_day(date)
        snap = self._snapshots.pop(day, None)
        if snap is None:
            snap = cut(day, self)
            while len(self._snapshots) >= SNAPSHOT_CACHE:
                self._snapshots.pop(next(iter(self._snapshots)))  # the least recently used
        self._snapshots[day] = snap
        return snap

    def on(self, day: dt.date) -> Snapshot:
        """The world at the end of ``day``: facts dated on ``day`` included."""
        day = as_day(day)
        if day >= LAST_DAY:
            raise InputError(
                f"{day.isoformat()} is the calendar's last day, which has no day after it to cut "
                f"at; ask for {(LAST_DAY - dt.timedelta(days=1)).isoformat()} or earlier"
            )
        return self.at(day + dt.timedelta(days=1))

    # -- lookups --------------------------------------------------------------------------------
    def actor_ids(self) -> set[str]:
        """Every state and organisation id."""
        return set(self.states) | set(self.organisations)

    def require_actor(self, actor: str) -> str:
        """``actor`` if known, else :class:`UnknownIdError` listing the known ids."""
        if actor not in self.states and actor not in self.organisations:
            raise UnknownIdError("actor", actor, self.actor_ids())
        return actor

    def require_organisation(self, org: str) -> Organisation:
        """The organisation ``org``, else :class:`UnknownIdError`."""
        if org not in self.organisations:
            raise UnknownIdError("organisation", org, self.organisations)
        return self.organisations[org]

    def name_of(self, actor: str) -> str:
        """The display name of a state or organisation (its id if unknown)."""
        record = self.states.get(actor) or self.organisations.get(actor)
        return record.name if record is not None else actor

    def history(self, actor: str) -> list[Membership]:
        """Every membership of ``actor``, sorted by start date then organisation."""
        self.require_actor(actor)
        return sorted(
            (m for m in self.memberships if m.actor == actor), key=lambda m: (m.start, m.org)
        )

    def series(self, actor: str) -> list[CapabilitySeries]:
        """Every capability series of ``actor``."""
        self.require_actor(actor)
        return [s for s in self.capabilities if s.actor == actor]

    def citations(self) -> dict[str, int]:
        """How many facts cite each source id."""
        from detente.world.validation import cited_sources

        counts = dict.fromkeys(self.sources, 0)
        for record in self.records():
            for ident in {i for _, i in cited_sources(record)}:
                counts[ident] = counts.get(ident, 0) + 1
        return counts

    def records(self) -> list[BaseModel]:
        """Every fact record (sources excluded)."""
        return [
            *self.states.values(),
            *self.organisations.values(),
            *self.memberships,
            *self.agreements,
            *self.capabilities,
            *self.bases,
            *self.relations,
            *self.threats,
            *self.officials,
            *self.pledges,
        ]

    def counts(self) -> dict[str, int]:
        """Number of records of each kind."""
        return {
            "sources": len(self.sources),
            "states": len(self.states),
            "organisations": len(self.organisations),
            "memberships": len(self.memberships),
            "agreements": len(self.agreements),
            "capabilities": len(self.capabilities),
            "bases": len(self.bases),
            "relations": len(self.relations),
            "threats": len(self.threats),
            "officials": len(self.officials),
            "pledges": len(self.pledges),
        }


#: The last day :meth:`World.on` answers for is the day before this one (Python's last date).
LAST_DAY = dt.date.max

#: Snapshots a :class:`World` keeps (each cut costs milliseconds; each holds its own indexes).
SNAPSHOT_CACHE = 64


def as_day(value: object) -> dt.date:
    """``value`` as a plain date: a datetime gives its day, an ISO string is parsed."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None
    raise InputError(f"expected a date, got {value!r}")


def _entry(record: BaseModel, counter: dict[str, int]) -> Entry:
    from detente.world.loader import Entry

    kind = _BY_TYPE.get(type(record))
    if kind is None:
        raise TypeError(f"not a world record: {type(record).__name__}")
    counter[kind] = counter.get(kind, -1) + 1
    return Entry(kind, counter[kind], record, None, None, {})


def _build(
    entries: Sequence[Entry],
    header: WorldHeader,
    extension: Extension | None = None,
    problems: Sequence[Problem] = (),
) -> World:
    from detente.world.validation import check_entries

    problems = [*problems, *check_entries(entries)]
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file or "", p.line or 0)))
    by: dict[str, list[BaseModel]] = {k: [] for k in RECORD_TYPES}
    for e in entries:
        by[e.kind].append(e.record)

    def ids(kind: str) -> dict[str, BaseModel]:
        return {str(getattr(r, "id")): r for r in by[kind]}  # noqa: B009

    return World(
        header=header,
        states=ids("states"),  # type: ignore[arg-type]
        organisations=ids("organisations"),  # type: ignore[arg-type]
        sources=ids("sources"),  # type: ignore[arg-type]
        memberships=tuple(by["memberships"]),  # type: ignore[arg-type]
        agreements=tuple(by["agreements"]),  # type: ignore[arg-type]
        capabilities=tuple(by["capabilities"]),  # type: ignore[arg-type]
        bases=tuple(by["bases"]),  # type: ignore[arg-type]
        relations=tuple(by["relations"]),  # type: ignore[arg-type]
        threats=tuple(by["threats"]),  # type: ignore[arg-type]
        officials=tuple(by["officials"]),  # type: ignore[arg-type]
        pledges=tuple(by["pledges"]),  # type: ignore[arg-type]
        extension=extension,
    )


def _header(parsed: ParsedFiles, default: str) -> WorldHeader:
    heads = [h.header for h in parsed.headers]
    if any(h != heads[0] for h in heads[1:]):  # only one can count: say so, do not pick one
        names = ", ".join(repr(h.name) for h in heads)
        first = parsed.headers[0]
        raise InputError(
            [
                Problem(
                    h.file,
                    h.line_of(),
                    "world",
                    f"the world's files give {len(heads)} different 'world:' headers ({names}); "
                    + ("keep one" if h is first else f"this one differs from {first.file}'s"),
                )
                for h in parsed.headers
                if h is first or h.header != first.header
            ]
        )
    return heads[0] if heads else WorldHeader(name=default)


def check_world(
    path: str | Path | None = None,
    *,
    extend_builtin: bool = False,
    episodes: Sequence[EpisodeLike] | None = None,
) -> list[Problem]:
    """Every problem of the world at ``path`` (an empty list if it is valid).

    Beyond what :func:`load_world` rejects, the knowledge-time checks of
    :mod:`detente.world.knowledge` run on the world's judgements (for an extension, on the
    extension's own records), with the episode checks when ``episodes`` are given.
    """
    try:
        return inspect_world(path, extend_builtin=extend_builtin, episodes=episodes)[1]
    except InputError as exc:
        return list(exc.problems)


def inspect_world(
    path: str | Path | None = None,
    *,
    extend_builtin: bool = False,
    episodes: Sequence[EpisodeLike] | None = None,
) -> tuple[World, list[Problem]]:
    """Load a world as :func:`load_world` does (raising :class:`InputError` if it is invalid),
    and return it with its knowledge-time problems (see :func:`check_world`)."""
    from detente.world.knowledge import knowledge_problems
    from detente.world.loader import builtin_entries

    entries, header, report, problems = _read(path, extend_builtin)
    world = _build(entries, header, report, problems)
    own = entries
    if path is not None and report is not None:
        builtin = {id(e) for e in builtin_entries().entries}
        own = [e for e in entries if id(e) not in builtin]
    return world, knowledge_problems(own, world.sources, episodes or ())


def _read(
    path: str | Path | None, extend_builtin: bool
) -> tuple[Sequence[Entry], WorldHeader, Extension | None, list[Problem]]:
    from detente.world.extension import extend, stray_directives
    from detente.world.loader import builtin_entries, read_entries
    from detente.world.validation import check_entries
    from detente.yamlio import yaml_files

    if path is None:
        parsed = builtin_entries()
        if parsed.problems:
            raise InputError(parsed.problems)
        return parsed.entries, _header(parsed, "built-in world"), None, []
    parsed = read_entries(yaml_files(Path(path)))
    if parsed.problems:
        problems = list(parsed.problems)
        # whole-world checks still run on what parsed, so the user sees everything at once
        problems += check_entries(parsed.entries)
        raise InputError(sorted(problems, key=lambda p: (p.file or "", p.line or 0)))
    header = _header(parsed, Path(path).stem)
    if not (extend_builtin or header.extends == "builtin"):
        return parsed.entries, header, None, stray_directives(parsed.entries, parsed.headers)
    entries, report, problems = extend(builtin_entries().entries, parsed.entries, parsed.headers)
    return entries, header, report, problems


def load_world(path: str | Path | None = None, *, extend_builtin: bool = False) -> World:
    """Load a world from a YAML file or folder (``None``: the built-in world).

    A world whose header says ``extends: builtin`` (or ``extend_builtin=True``) is added to the
    built-in world (see :mod:`detente.world.extension`): records with a new natural key are
    added; a record whose key the built-in world holds replaces it only with ``replace: true`` or
    a header ``replaces:`` entry, and is otherwise a conflict. :attr:`World.extension` then says
    what was added, replaced and kept.
    """
    if path is None:
        return builtin_world()
    return _build(*_read(path, extend_builtin))


@functools.cache
def builtin_world() -> World:
    """The built-in NATO–CSTO world shipped with Détente (loaded once per process).

    A process finds it in the per-user cache of :mod:`detente.world.cache` (keyed by the content
    of the package's world files and code) when an earlier one has validated it; otherwise it is
    read and validated here and stored there.
    """
    from detente.world import cache

    key = cache.builtin_key()
    cached = cache.load_builtin(key)
    if cached is not None:
        return cached
    from detente.world.loader import builtin_entries

    parsed = builtin_entries()
    if parsed.problems:
        raise InputError(parsed.problems)
    world = _build(parsed.entries, _header(parsed, "built-in world"))
    cache.store_builtin(world, key)  # before any snapshot is cut: stored fresh
    return world
