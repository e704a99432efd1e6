"""Pledges: the record, its knowledge time in a snapshot, the ``pledges`` view and the CLI, and
the stacked forecaster's agenda term read from the built-in NATO texts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.cli import run_in_process
from tests.world.conftest import MINI_WORLD

from detente.decisions.episodes import builtin_episodes
from detente.forecaster import pledged
from detente.world import builtin_world, load_world
from detente.world.records import Pledge

D = dt.date

PLEDGES = """\
organisations:
  - {id: NATO, name: North Atlantic Treaty Organization, kind: alliance,
     founded: 1949-08-24, decision_rule: consensus, sources: [src-a]}
pledges:
  - {id: round, org: NATO, decision: admission, made: 2006-11-29, due: 2008-04-04,
     candidates: [UZB], sources: [src-a]}
  - {id: named, org: NATO, decision: admission, made: 2008-04-03, candidates: [RUS],
     condition: a settlement, condition_met: 2010-06-17, sources: [src-a, src-b]}
"""


def _pledge(**fields: object) -> Pledge:
    base: dict[str, object] = {
        "id": "p",
        "org": "NATO",
        "decision": "admission",
        "made": D(2006, 11, 29),
        "sources": ["src-a"],
    }
    return Pledge.model_validate(base | fields)


@pytest.fixture
def world(tmp_path: Path) -> object:
    (tmp_path / "world.yaml").write_text(MINI_WORLD, encoding="utf-8")
    (tmp_path / "pledges.yaml").write_text(PLEDGES, encoding="utf-8")
    return load_world(tmp_path)


def test_a_pledge_needs_a_date_or_a_condition_in_order() -> None:
    with pytest.raises(ValidationError, match="a due date, a condition, or both"):
        _pledge()
    with pytest.raises(ValidationError, match=r"due .* before it was made"):
        _pledge(due=D(2006, 1, 1))
    with pytest.raises(ValidationError, match="condition_met without a condition"):
        _pledge(due=D(2008, 4, 4), condition_met=D(2007, 1, 1))
    with pytest.raises(ValidationError, match=r"condition_met .* before it was made"):
        _pledge(condition="x", condition_met=D(2005, 1, 1))


@given(
    made=st.dates(D(1990, 1, 1), D(2020, 1, 1)),
    lag=st.integers(0, 2000),
    day=st.dates(D(1989, 1, 1), D(2030, 1, 1)),
)
def test_a_dated_pledge_binds_exactly_from_its_day_to_its_due_day(
    made: dt.date, lag: int, day: dt.date
) -> None:
    due = made + dt.timedelta(days=lag)
    assert _pledge(made=made, due=due).binds(day) == (made <= day <= due)


def test_a_conditional_pledge_binds_only_once_its_condition_is_met() -> None:
    waiting = _pledge(condition="a settlement")
    met = _pledge(condition="a settlement", condition_met=D(2010, 6, 17))
    assert not waiting.binds(D(2020, 1, 1))
    assert not met.binds(D(2010, 6, 16))
    assert met.binds(D(2010, 6, 17))
    assert met.covers("ALB")  # no candidates named: any applicant
    assert not _pledge(due=D(2008, 4, 4), candidates=["HRV"]).covers("ALB")


def test_a_snapshot_knows_a_pledge_the_day_after_and_a_condition_the_day_after_it(
    world: object,
) -> None:
    w = world  # type: ignore[assignment]
    assert w.at(D(2006, 11, 29)).pledges("NATO", "admission") == []  # type: ignore[attr-defined]
    (round_,) = w.at(D(2006, 11, 30)).pledges("NATO", "admission", "UZB")  # type: ignore[attr-defined]
    assert round_.id == "round"
    assert w.at(D(2006, 11, 30)).pledges("NATO", "admission", "RUS") == []  # type: ignore[attr-defined]
    assert w.at(D(2008, 4, 6)).pledges("NATO", "admission") == []  # type: ignore[attr-defined]
    # on the day of the settlement nobody knew it yet: the record shows the condition unmet
    before = w.at(D(2010, 6, 17))  # type: ignore[attr-defined]
    (named,) = [p for p in before.pledges_ if p.id == "named"]
    assert named.condition_met is None and before.pledges("NATO", "admission") == []
    (bound,) = w.at(D(2010, 6, 18)).pledges("NATO", "admission", "RUS")  # type: ignore[attr-defined]
    assert bound.condition_met == D(2010, 6, 17)
    assert w.at(D(2010, 6, 18)).pledges("NATO", "programme") == []  # type: ignore[attr-defined]


def test_the_view_and_the_command_list_the_pledges_known_and_binding(
    world: object, tmp_path: Path
) -> None:
    frame = world.frame("pledges")  # type: ignore[attr-defined]
    assert list(frame["id"]) == ["round", "named"]
    assert str(frame["made"].dtype).startswith("datetime64")
    out = run_in_process("world", "pledges", "--on", "2007-01-01", "--world", tmp_path, "--json")
    assert [row["id"] for row in json.loads(out.stdout)] == ["round"]


def test_a_pledge_for_an_unknown_candidate_is_refused_at_its_line(tmp_path: Path) -> None:
    bad = PLEDGES.replace("candidates: [UZB]", "candidates: [XYZ]")
    (tmp_path / "world.yaml").write_text(MINI_WORLD, encoding="utf-8")
    (tmp_path / "pledges.yaml").write_text(bad, encoding="utf-8")
    result = run_in_process("world", "check", tmp_path)
    assert result.returncode == 2
    assert "pledges.yaml:6" in result.stderr and "unknown actor id 'XYZ'" in result.stderr
    assert "Traceback" not in result.stderr


# -- the agenda term on the built-in world (face validity through the data, no id in the code) --

AGENDA = {
    "cze-nato-1997": 1.0,  # the December 1996 communique: invitations at Madrid
    "bgr-nato-1999": -1.0,  # NATO announces its rounds, and announced none for Washington
    "lva-nato-2002": 1.0,  # June 2001: the next round to be launched at Prague
    "mkd-nato-2008": 1.0,  # Riga 2006 named the three MAP countries for 2008
    "mkd-nato-2012": -1.0,  # the Bucharest promise waits on the name dispute
    "mkd-nato-2018": 1.0,  # the Prespa agreement, three days before, met its condition
    "ukr-nato-2024": -1.0,  # Vilnius's condition includes the allies' own agreement
    "geo-nato-map-2008": 0.0,  # no programme (MAP) pledge is coded: unknown
    "uzb-csto-2006": 0.0,  # the CSTO's texts are not coded: unknown, not "no pledge"
}


def test_the_agenda_term_reads_the_built_in_pledges_as_known_before_each_episode() -> None:
    world = builtin_world()
    episodes = {e.id: e for e in builtin_episodes() if e.id in AGENDA}
    got = {i: pledged(e, world.at(e.date), tabled=True) for i, e in episodes.items()}
    assert got == AGENDA
    # a pledge answers applicants: the same questions as opportunities nobody tabled are outside it
    assert {pledged(e, world.at(e.date), tabled=False) for e in episodes.values()} == {0.0}
