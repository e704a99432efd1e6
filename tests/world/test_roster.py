"""The roster (detente.world.roster) answers as the snapshot does, and its cache file holds only
plain rows.

``detente world members`` and ``world shared`` query a :class:`Roster` instead of a
:class:`Snapshot`; these tests compare the two on the built-in world on every day where one of its
memberships or organisations begins or ends, and on the day before (the answers can change only
there).
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
from pathlib import Path

import pytest

from detente.world import World, builtin_world, cache
from detente.world.roster import Roster, builtin_roster

STATUSES = (None, "member", "suspended", "frozen", "partner", "observer")
ONE = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def world() -> World:
    return builtin_world()


@pytest.fixture(scope="module")
def roster(world: World) -> Roster:
    return Roster.of(world)


def _days(world: World) -> list[dt.date]:
    edges: set[dt.date] = set()
    for m in world.memberships:
        edges.update(d for d in (m.start, m.end) if d is not None)
    for o in world.organisations.values():
        edges.update(d for d in (o.founded, o.ended) if d is not None)
    assert world.header.covers is not None
    edges.add(world.header.covers[1])
    # a boundary's day and the day before it: the answers can change only between those
    return sorted({d + k * ONE for d in edges for k in (-1, 0)})


def test_the_roster_answers_as_the_snapshot_on_every_boundary_day(
    world: World, roster: Roster
) -> None:
    days = _days(world)
    assert len(days) > 150  # the built-in world: about a hundred dated boundaries
    orgs = list(world.organisations)
    pairs = [("KAZ", "USA"), ("RUS", "BLR"), ("UZB", "TJK"), ("ARM", "AZE"), ("UKR", "RUS")]
    for i, day in enumerate(days):
        snap = world.on(day)
        held = [(m.actor, m.org, m.status, m.start) for m in snap.current_memberships()]
        assert [(s.actor, s.org, s.status, s.start) for s in roster.holding(day)] == held
        for org in orgs:
            assert roster.exists(org, day) is (snap.organisation(org) is not None), (org, day)
        if i % 10:  # each query below scans every membership: a sample of the days keeps it quick
            continue
        for org in orgs if i % 60 == 0 else ["CSTO", "CST", "NATO", "PFP", "EAPC", "SCO", "NRC"]:
            for status in STATUSES:
                want = snap.members(org, status)  # type: ignore[arg-type]
                assert roster.members(org, status, day) == want, (org, status, day)
        for actor, org, _, _ in held[::15]:
            assert roster.status(actor, org, day) == snap.status(actor, org)
        for a, b in pairs:
            for status in (None, "member"):
                got = roster.shared_organisations(a, b, status, day)
                assert got == snap.shared_organisations(a, b, status=status)  # type: ignore[arg-type]


def test_names_and_ids_are_the_worlds(world: World, roster: Roster) -> None:
    assert roster.actor_ids() == world.actor_ids()
    assert list(roster.organisations) == list(world.organisations)  # the world's order
    for actor in [*world.actor_ids(), "XXX"]:
        assert roster.name_of(actor) == world.name_of(actor)
    assert roster.header.covers == world.header.covers


def test_the_builtin_roster_is_stored_beside_the_world_and_loads_back(
    roster: Roster, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = cache.builtin_key()
    assert cache.load_roster(key) is None
    made = builtin_roster.__wrapped__()
    assert made == roster
    assert (cache_folder / f"roster-{key}.pickle").is_file()

    def no_world() -> World:
        raise AssertionError("the world was loaded although the cache holds its roster")

    monkeypatch.setattr("detente.world.model.builtin_world", no_world)
    assert builtin_roster.__wrapped__() == roster


def _evil() -> bytes:
    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("echo owned > owned.txt",))

    return pickle.dumps((cache.FORMAT, "KEY", Boom()))


@pytest.mark.parametrize(
    "content",
    [
        b"not a pickle",
        pickle.dumps((cache.FORMAT, "other key", None)),
        pickle.dumps((cache.FORMAT, "KEY", {"not": "a roster"})),
        pickle.dumps((cache.FORMAT, "KEY", dt.datetime(2020, 1, 1))),  # a class not allowed
        _evil(),
    ],
    ids=["garbage", "wrong-key", "not-a-roster", "other-class", "code"],
)
def test_a_foreign_roster_file_is_ignored_and_runs_nothing(
    roster: Roster,
    cache_folder: Path,
    content: bytes,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    key = "d" * 40
    cache_folder.mkdir(mode=0o700)
    (cache_folder / f"roster-{key}.pickle").write_bytes(content.replace(b"KEY", key.encode()))
    assert cache.load_roster(key) is None
    assert not (tmp_path / "owned.txt").exists()
    monkeypatch.setattr(cache, "builtin_key", lambda: key)
    assert builtin_roster.__wrapped__() == roster  # rebuilt from the world ...
    assert cache.load_roster(key) == roster  # ... and the bad file replaced


def test_rosters_and_worlds_are_pruned_apart(roster: Roster, cache_folder: Path) -> None:
    for i in range(cache.KEEP + 2):
        path = cache.store_roster(roster, f"{i:040d}")
        assert path is not None
        os.utime(path, ns=(i * 10**9, i * 10**9))
    assert len(list(cache_folder.glob("roster-*.pickle"))) == cache.KEEP
