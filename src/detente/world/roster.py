"""Who belonged to which organisation on a day, from plain rows: a world's memberships without its
record models.

``detente world members`` and ``detente world shared`` read a handful of fields of three kinds of
record (a membership's actor, organisation, status and dates; an organisation's name and dates; a
state's name). Importing pydantic and creating the record classes, which unpickling the cached
:class:`~detente.world.World` needs, is about half of those commands' start-up. A
:class:`Roster` holds just those fields as tuples of strings and dates; the built-in world's is
cached beside the world (:mod:`detente.world.cache`) under the same content key, so it changes
whenever a data file or the code of ``detente/world`` does.

A roster answers as a :class:`~detente.world.Snapshot` cut at the end of the day does, and
``tests/world/test_roster.py`` checks that on every day where the built-in world's memberships
or organisations begin or end (and the day before each). Membership facts are plain dated
events (not coded judgements), so what was known on a day is what had started by then:

* a membership holds on ``day`` when ``start <= day`` and it has no ``end`` or ``day < end``;
* an organisation exists on ``day`` when ``founded <= day`` and it has no ``ended`` or
  ``day < ended``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from detente.world.model import World

__all__ = ["Body", "Header", "Roster", "Seat", "builtin_roster"]


class Seat(NamedTuple):
    """One membership: ``actor`` holds ``status`` in ``org`` over ``[start, end)``."""

    actor: str
    org: str
    status: str
    start: dt.date
    end: dt.date | None


class Body(NamedTuple):
    """An organisation's display name and life span ``[founded, ended)``."""

    name: str
    founded: dt.date
    ended: dt.date | None


class Header(NamedTuple):
    """The world's name and the period its data covers (``None``: not stated)."""

    name: str
    covers: tuple[dt.date, dt.date] | None


def _holds(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day < end)


@dataclass(frozen=True)
class Roster:
    """A world's memberships, organisations and state names, in the world's order."""

    header: Header
    states: dict[str, str]
    """State id -> display name."""
    organisations: dict[str, Body]
    seats: tuple[Seat, ...]

    @classmethod
    def of(cls, world: World) -> Roster:
        """The roster of a validated world."""
        return cls(
            header=Header(world.header.name, world.header.covers),
            states={k: s.name for k, s in world.states.items()},
            organisations={
                k: Body(o.name, o.founded, o.ended) for k, o in world.organisations.items()
            },
            seats=tuple(Seat(m.actor, m.org, m.status, m.start, m.end) for m in world.memberships),
        )

    def actor_ids(self) -> set[str]:
        """Every state and organisation id (as :meth:`World.actor_ids`)."""
        return set(self.states) | set(self.organisations)

    def name_of(self, actor: str) -> str:
        """The display name of a state or organisation (its id if unknown)."""
        if actor in self.states:
            return self.states[actor]
        body = self.organisations.get(actor)
        return body.name if body is not None else actor

    def exists(self, org: str, day: dt.date) -> bool:
        """Whether ``org`` exists on ``day`` (founded, not yet ended)."""
        body = self.organisations.get(org)
        return body is not None and _holds(body.founded, body.ended, day)

    def holding(self, day: dt.date) -> list[Seat]:
        """Every membership holding on ``day``, in the world's order."""
        return [s for s in self.seats if _holds(s.start, s.end, day)]

    def members(self, org: str, status: str | None, day: dt.date) -> list[str]:
        """Sorted ids of the actors with ``status`` in ``org`` on ``day`` (``None``: any)."""
        return sorted(
            s.actor
            for s in self.holding(day)
            if s.org == org and (status is None or s.status == status)
        )

    def status(self, actor: str, org: str, day: dt.date) -> str | None:
        """``actor``'s status in ``org`` on ``day``, or ``None`` if it has none."""
        for s in self.holding(day):
            if s.actor == actor and s.org == org:
                return s.status
        return None

    def shared_organisations(self, a: str, b: str, status: str | None, day: dt.date) -> list[str]:
        """Organisations in which both ``a`` and ``b`` hold ``status`` on ``day`` (``None``:
        any status)."""
        held = [s for s in self.holding(day) if status is None or s.status == status]
        return sorted({s.org for s in held if s.actor == a} & {s.org for s in held if s.actor == b})


@functools.cache
def builtin_roster() -> Roster:
    """The built-in world's roster (once per process): from the per-user cache when an earlier
    process stored it, else made from :func:`~detente.world.builtin_world` and stored."""
    from detente.world import cache

    key = cache.builtin_key()
    found = cache.load_roster(key)
    if found is not None:
        return found
    from detente.world.model import builtin_world

    roster = Roster.of(builtin_world())
    cache.store_roster(roster, key)
    return roster
