"""Decision opportunities drawn from a world: the negative cases that hand-coding leaves out.

Hand-coded episodes are decisions somebody found worth recording, so they over-represent change.
Structural forecasting models are instead scored on every unit at risk (the Political Instability
Task Force's case-control design, Goldstone et al. 2010, *AJPS* 54:190-208; ``validity.md`` §6): a
state-organisation-year in which leaving or joining was possible, a host-user-year in which a base
could have been closed. This module enumerates those units from the world's dated records, labels
each with what the records say happened in the following year, and draws a seeded sample.

The rule (one calendar year per opportunity, dated 1 January, outcome window ``[1 Jan Y, 1 Jan
Y+1)``):

* **leave**: every full member of an organisation of a kind in :data:`MEMBERSHIP_KINDS` on the day.
  Outcome ``exit`` if its full membership ends inside the window (left, suspended or frozen) and no
  new full membership of the same organisation starts that day (a re-cut record is no exit);
  otherwise ``stay``. Skipped when the organisation itself ends inside the window (the CST's passage
  to the CSTO is no exit).
* **join**: every state that is not a full member but could be one, judged only from facts known
  on the day: it holds another status in the organisation (partner, observer, suspended, frozen),
  it was a full member of the organisation or of its predecessor before, or it is a partner in
  one of the organisation's partnership bodies (:data:`PARTNER_BODIES`: NATO's NACC, EAPC and
  PfP). Outcome ``join`` if a full membership starts inside the window, otherwise ``stay-out``.
* **keep**: every foreign military presence (``bases``) on the day, as a question to its host.
  Outcome ``expel`` if the presence ends inside the window, otherwise ``keep``.

Opportunities within a year of a hand-coded episode of the same type, proposer and target are
dropped (that decision is already in the corpus), and so are those whose window reaches past the
world's coverage. From what remains, :func:`generate_opportunities` draws up to ``per_kind``
opportunities of each kind, without replacement, with ``numpy.random.default_rng(seed)``: the
same world, episodes and seed give the same list. Each opportunity cites the sources of the records
it was read from and carries ``origin: generated``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from detente.decisions.question import Episode
from detente.world import World
from detente.world.records import Base, Membership

__all__ = [
    "DEFAULT_PER_KIND",
    "DEFAULT_SEED",
    "MEMBERSHIP_KINDS",
    "PARTNER_BODIES",
    "Opportunity",
    "candidate_opportunities",
    "generate_opportunities",
    "opportunities_yaml",
    "year_opportunities",
]

MEMBERSHIP_KINDS = ("alliance", "collective-security", "commonwealth", "economic", "regional")
"""Organisation kinds whose membership is a security or integration choice worth forecasting."""

PARTNER_BODIES: dict[str, tuple[str, ...]] = {"NATO": ("NACC", "EAPC", "PFP")}
"""Partnership bodies whose partners count as possible members of the organisation."""

DEFAULT_SEED = 12
DEFAULT_PER_KIND = 40

_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Opportunity:
    """One candidate decision opportunity before sampling."""

    kind: str  # leave | join | keep
    episode: Episode


def _year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def _holds(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day < end)


def _in_window(day: dt.date | None, start: dt.date, stop: dt.date) -> bool:
    return day is not None and start <= day < stop


def _sources(records: Iterable[Membership | Base]) -> list[str]:
    out: list[str] = []
    for r in records:
        for s in r.sources:
            if s not in out:
                out.append(s)
    return out


def _episode(**fields: object) -> Episode:
    return Episode.model_validate({**fields, "origin": "generated"})


def _leave(world: World, year: int) -> list[Opportunity]:
    start, stop = _year_start(year), _year_start(year + 1)
    out = []
    for org in world.organisations.values():
        if org.kind not in MEMBERSHIP_KINDS or not _holds(org.founded, org.ended, start):
            continue
        if _in_window(org.ended, start, stop):
            continue
        records = [m for m in world.memberships if m.org == org.id]
        for m in records:
            if m.status != "member" or not _holds(m.start, m.end, start):
                continue
            renewed = any(
                n.actor == m.actor and n.status == "member" and n.start == m.end for n in records
            )
            exited = _in_window(m.end, start, stop) and not renewed
            cited = [m, *(n for n in records if n.actor == m.actor and n.start == m.end)]
            out.append(
                Opportunity(
                    "leave",
                    _episode(
                        id=f"gen-leave-{m.actor.lower()}-{org.id.lower()}-{year}",
                        date=start,
                        type="membership",
                        proposer=m.actor,
                        target=org.id,
                        action="leave",
                        outcomes=("exit", "stay"),
                        yes_outcome="exit",
                        status_quo="stay",
                        text=(
                            f"Generated opportunity: will {world.name_of(m.actor)} leave, suspend "
                            f"or freeze its membership of {org.name} during {year}?"
                        ),
                        recorded_outcome="exit" if exited else "stay",
                        sources=_sources(cited if exited else [m]),
                    ),
                )
            )
    return out


def _possible_members(world: World, org_id: str, predecessor: str | None, day: dt.date) -> set[str]:
    """States that could join ``org_id`` on ``day``, from facts dated before it."""
    states = set(world.states)
    bodies = (org_id, *PARTNER_BODIES.get(org_id, ()))
    out = set()
    for m in world.memberships:
        if m.actor not in states or m.start >= day:
            continue
        current = _holds(m.start, m.end, day)
        full = m.status == "member"
        own = m.org == org_id and (full or current)  # a full member before, or another status now
        earlier = m.org == predecessor and full
        partner = m.org in bodies[1:] and current
        if own or earlier or partner:
            out.add(m.actor)
    return out


def _join(world: World, year: int) -> list[Opportunity]:
    start, stop = _year_start(year), _year_start(year + 1)
    out = []
    for org in world.organisations.values():
        if org.kind not in MEMBERSHIP_KINDS or not _holds(org.founded, org.ended, start):
            continue
        records = [m for m in world.memberships if m.org == org.id]
        full_now = {
            m.actor for m in records if m.status == "member" and _holds(m.start, m.end, start)
        }
        for actor in sorted(_possible_members(world, org.id, org.predecessor, start) - full_now):
            joins = [
                m
                for m in records
                if m.actor == actor and m.status == "member" and _in_window(m.start, start, stop)
            ]
            known = [m for m in records if m.actor == actor and m.start < start]
            cited = joins or known or [m for m in world.memberships if m.actor == actor][:1]
            out.append(
                Opportunity(
                    "join",
                    _episode(
                        id=f"gen-join-{actor.lower()}-{org.id.lower()}-{year}",
                        date=start,
                        type="membership",
                        proposer=actor,
                        target=org.id,
                        action="join",
                        text=(
                            f"Generated opportunity: will {world.name_of(actor)} become a full "
                            f"member of {org.name} during {year}?"
                        ),
                        recorded_outcome="join" if joins else "stay-out",
                        sources=_sources(cited),
                    ),
                )
            )
    return out


def _keep(world: World, year: int) -> list[Opportunity]:
    start, stop = _year_start(year), _year_start(year + 1)
    out = []
    for base in world.bases:
        if not _holds(base.start, base.end, start) or base.start == start:
            continue
        closed = _in_window(base.end, start, stop)
        out.append(
            Opportunity(
                "keep",
                _episode(
                    id=f"gen-keep-{base.id.lower()}-{year}",
                    date=start,
                    type="basing",
                    proposer=base.user,
                    target=base.host,
                    action="keep",
                    text=(
                        f"Generated opportunity: will {world.name_of(base.host)} let "
                        f"{world.name_of(base.user)} keep {base.name} through {year}?"
                    ),
                    recorded_outcome="expel" if closed else "keep",
                    sources=_sources([base]),
                ),
            )
        )
    return out


def year_opportunities(world: World, year: int) -> list[Opportunity]:
    """Every opportunity of the rule (module docstring) in ``year``: leave, join, then keep.

    ``world`` needs only the attributes the rule reads (``organisations``, ``memberships``,
    ``bases``, ``states``, ``name_of``): the simulation passes its own state of the world.
    """
    return [*_leave(world, year), *_join(world, year), *_keep(world, year)]


def _near_hand_coded(candidate: Episode, episodes: Sequence[Episode]) -> bool:
    return any(
        e.type == candidate.type
        and e.proposer == candidate.proposer
        and e.target == candidate.target
        and abs((e.date - candidate.date).days) < _WINDOW_DAYS
        for e in episodes
    )


def candidate_opportunities(world: World, hand_coded: Sequence[Episode]) -> list[Opportunity]:
    """Every opportunity of the rule (see the module docstring), before sampling, sorted by id."""
    covers = world.header.covers or (dt.date(1992, 1, 1), dt.date(2024, 12, 31))
    first = max(covers[0].year + 1, 1993)
    last = covers[1].year - 1  # the window of year Y ends on 1 Jan Y+1, inside the coverage
    found: list[Opportunity] = []
    for year in range(first, last + 1):
        for make in (_leave, _join, _keep):
            found.extend(make(world, year))
    found = [o for o in found if not _near_hand_coded(o.episode, hand_coded)]
    return sorted(found, key=lambda o: o.episode.id)


def generate_opportunities(
    world: World,
    hand_coded: Sequence[Episode],
    *,
    seed: int = DEFAULT_SEED,
    per_kind: int = DEFAULT_PER_KIND,
) -> list[Episode]:
    """A seeded sample of up to ``per_kind`` opportunities of each kind, sorted by date and id."""
    if per_kind < 0:
        raise ValueError(f"per_kind must be >= 0, got {per_kind}")
    rng = np.random.default_rng(seed)
    candidates = candidate_opportunities(world, hand_coded)
    chosen: list[Episode] = []
    for kind in ("leave", "join", "keep"):  # fixed order: the draws do not depend on dict order
        pool = [o.episode for o in candidates if o.kind == kind]
        take = min(per_kind, len(pool))
        picks = rng.choice(len(pool), size=take, replace=False) if take else np.array([], int)
        chosen.extend(pool[int(i)] for i in picks)
    return sorted(chosen, key=lambda e: (e.date, e.id))


def opportunities_yaml(episodes: Sequence[Episode], *, seed: int, per_kind: int) -> str:
    """The episode file for ``episodes`` (``docs/episodes.md`` format), with a header comment."""
    import yaml

    header = (
        "# Generated decision opportunities (origin: generated): negative and positive cases\n"
        "# drawn from the built-in world by the rule of detente.decisions.opportunities,\n"
        f"# seed {seed}, {per_kind} per kind.\n"
        "# Do not edit by hand: regenerate with `python tools/generate_opportunities.py`.\n"
    )
    fields = (
        "id", "date", "type", "proposer", "target", "action", "text", "outcomes", "yes_outcome",
        "status_quo", "recorded_outcome", "origin", "sources",
    )  # fmt: skip
    records = []
    for e in episodes:
        data = e.model_dump(mode="json")
        record = {k: data[k] for k in fields if data.get(k) is not None}
        if e.action in ("join", "keep"):  # default outcomes: leave them to the decision type
            for k in ("outcomes", "yes_outcome", "status_quo"):
                record.pop(k)
        records.append(record)
    body = yaml.safe_dump({"episodes": records}, sort_keys=False, allow_unicode=True, width=96)
    return header + "\n" + body
