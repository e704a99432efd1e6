"""Snapshot semantics: a snapshot at D holds exactly the facts dated before D."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.errors import UnknownIdError
from detente.world import World, load_world

D = dt.date


@pytest.fixture
def world(mini_world_dir: Path) -> World:
    return load_world(mini_world_dir)


def test_membership_changes_on_its_day_not_before(world: World) -> None:
    # UZB joins on 2006-08-16: at() excludes the day itself, on() includes it
    assert world.at(D(2006, 8, 16)).members("CSTO") == ["RUS"]
    assert world.on(D(2006, 8, 15)).members("CSTO") == ["RUS"]
    assert world.on(D(2006, 8, 16)).members("CSTO") == ["RUS", "UZB"]
    assert world.at(D(2006, 8, 17)).members("CSTO") == ["RUS", "UZB"]


def test_suspension_then_exit(world: World) -> None:
    assert world.on(D(2012, 6, 27)).status("UZB", "CSTO") == "member"
    assert world.on(D(2012, 6, 28)).status("UZB", "CSTO") == "suspended"
    assert world.on(D(2012, 6, 28)).members("CSTO", "suspended") == ["UZB"]
    assert world.on(D(2012, 6, 28)).members("CSTO", None) == ["RUS", "UZB"]
    assert world.on(D(2012, 12, 18)).status("UZB", "CSTO") == "suspended"
    assert world.on(D(2012, 12, 19)).status("UZB", "CSTO") is None


def test_future_end_dates_are_hidden(world: World) -> None:
    """In 2010 nobody knew Uzbekistan would suspend in 2012: the snapshot shows an open interval."""
    (m,) = world.on(D(2010, 1, 1)).memberships_of("UZB")
    assert m.end is None
    assert world.history("UZB")[0].end == D(2012, 6, 28)  # the world itself knows


def test_organisation_exists_only_from_founding(world: World) -> None:
    assert world.on(D(2002, 10, 6)).organisation("CSTO") is None
    assert world.on(D(2002, 10, 7)).organisation("CSTO") is not None
    assert [o.id for o in world.on(D(2005, 1, 1)).organisations()] == ["CSTO"]


def test_capability_year_is_known_after_its_end(world: World) -> None:
    assert world.on(D(2009, 12, 30)).capability("RUS", "milex").year == 2008  # type: ignore[union-attr]
    value = world.on(D(2009, 12, 31)).capability("RUS", "milex")
    assert value is not None and (value.year, value.value) == (2009, 58.5)
    assert value.unit == "USD bn" and value.sources == ("src-b",)
    assert world.on(D(2020, 1, 1)).capability("RUS", "milex", year=2008).value == 55.0  # type: ignore[union-attr]
    assert world.on(D(2008, 6, 1)).capability("RUS", "milex") is None
    assert world.on(D(2020, 1, 1)).capability("UZB", "milex") is None


def test_relations_and_shared_organisations(world: World) -> None:
    assert world.on(D(2008, 8, 6)).relation_intensity("RUS", "USA") == 0.0
    assert world.on(D(2008, 8, 7)).relation_intensity("RUS", "USA") == 0.6
    assert world.on(D(2008, 8, 7)).relation_intensity("USA", "RUS") == 0.6
    assert world.on(D(2010, 1, 1)).shared_organisations("RUS", "UZB") == ["CSTO"]
    assert world.on(D(2010, 1, 1)).shared_organisations("RUS", "USA") == []


def test_history_is_sorted_and_unknown_actor_is_named(world: World) -> None:
    assert [m.status for m in world.history("UZB")] == ["member", "suspended"]
    with pytest.raises(UnknownIdError, match=r"unknown actor 'XYZ'.*RUS"):
        world.history("XYZ")


def test_snapshot_is_cached_and_immutable(world: World) -> None:
    assert world.at(D(2010, 1, 1)) is world.at(D(2010, 1, 1))
    with pytest.raises(AttributeError):
        world.at(D(2010, 1, 1)).date = D(2011, 1, 1)  # type: ignore[misc]


CST_AND_TREATY = """\
  - {id: CST, name: Collective Security Treaty, kind: collective-security, founded: 1992-05-15,
     ended: 2002-10-07, decision_rule: consensus, sources: [src-a]}
"""
TREATY = """\
agreements:
  - id: tashkent
    name: Collective Security Treaty
    kind: treaty
    signed: 1992-05-15
    org: CST
    sources: [src-a]
    clauses:
      - id: art-4
        article: "4"
        kind: collective-defence
        versions:
          - {from: 1992-05-15, summary: assist, obligation: 0.75, sources: [src-a]}
"""


def test_an_organisation_inherits_its_predecessors_clauses(tmp_path: Path) -> None:
    from tests.world.conftest import MINI_WORLD

    csto = "    decision_rule: consensus\n    sources: [src-a]\n"
    text = MINI_WORLD.replace(
        csto, csto.replace("    sources", "    predecessor: CST\n    sources")
    )
    text = text.replace("memberships:\n", CST_AND_TREATY + "memberships:\n", 1) + TREATY
    # the clause's obligation grade is a judgement: its source must be out before 1999
    text = text.replace("title: Source A, year: 2007", "title: Source A, year: 1992")
    (tmp_path / "w.yaml").write_text(text, encoding="utf-8")
    world = load_world(tmp_path)
    assert [c.clause for c in world.on(D(1999, 1, 1)).clauses(org="CST")] == ["art-4"]
    assert [c.clause for c in world.on(D(2009, 1, 1)).clauses(org="CSTO")] == ["art-4"]
    assert world.on(D(2009, 1, 1)).lineage("CSTO") == ["CSTO", "CST"]
    assert world.on(D(2009, 1, 1)).clauses(org="NATO") == []
