"""Property tests over generated worlds: the snapshot shows what held, and nothing later."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from detente.world import World
from detente.world.records import Membership, Organisation, Source, State

EPOCH = dt.date(1992, 1, 1)
ACTORS = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
STATUSES = ["member", "suspended", "frozen", "partner", "observer"]
SRC = Source(id="s", kind="book", title="generated")


def _day(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=n)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[World, list[Membership]]:
    """A world with one organisation and, per actor, consecutive membership intervals."""
    memberships = []
    for actor in draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=5, unique=True)):
        cuts = sorted(draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=6, unique=True)))
        open_end = draw(st.booleans())
        bounds = [*cuts, None] if open_end else cuts
        for start, end in itertools.pairwise(bounds):
            if draw(st.integers(0, 4)) == 0:
                continue  # a gap: the actor was out of the organisation
            memberships.append(
                Membership(
                    actor=actor,
                    org="CSTO",
                    start=_day(start),  # type: ignore[arg-type]
                    end=None if end is None else _day(end),
                    status=draw(st.sampled_from(STATUSES)),  # type: ignore[arg-type]
                    sources=["s"],
                )
            )
    states = [State(id=a, name=a, cow=300 + i, sources=["s"]) for i, a in enumerate(ACTORS)]
    org = Organisation(
        id="CSTO",
        name="org",
        kind="collective-security",
        founded=EPOCH,
        decision_rule="consensus",
        sources=["s"],
    )
    return World.from_records([SRC, *states, org, *memberships]), memberships


def _brute_force(memberships: list[Membership], day: dt.date, status: str) -> list[str]:
    return sorted(
        m.actor
        for m in memberships
        if m.start <= day and (m.end is None or day < m.end) and m.status == status
    )


@given(worlds(), st.integers(0, 11_000), st.sampled_from(STATUSES))
def test_members_are_what_held_that_day(
    generated: tuple[World, list[Membership]], n: int, status: str
) -> None:
    world, memberships = generated
    day = _day(n)
    assert world.on(day).members("CSTO", status) == _brute_force(memberships, day, status)  # type: ignore[arg-type]
    assert world.on(day).members("CSTO", status) == world.at(day + dt.timedelta(days=1)).members(
        "CSTO",
        status,  # type: ignore[arg-type]
    )


@given(worlds(), st.integers(0, 11_000))
def test_no_fact_on_or_after_the_cut_off_is_visible(
    generated: tuple[World, list[Membership]], n: int
) -> None:
    world, memberships = generated
    cutoff = _day(n)
    snap = world.at(cutoff)
    assert all(m.start < cutoff for m in snap.memberships_)
    assert all(m.end is None or m.end < cutoff for m in snap.memberships_)
    # a world truncated to the facts known before the cut-off gives the same snapshot answers
    known = [m for m in memberships if m.start < cutoff]
    known = [m.model_copy(update={"end": None}) if m.end and m.end >= cutoff else m for m in known]
    past = World.from_records([SRC, *world.states.values(), *world.organisations.values(), *known])
    for status in STATUSES:
        assert past.at(cutoff).members("CSTO", status) == snap.members("CSTO", status)  # type: ignore[arg-type]
