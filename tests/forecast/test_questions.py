"""Built-in forecasting questions: coding, sources, and capabilities taken from the world."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from detente.errors import InputError, UnknownIdError
from detente.forecast.question import (
    builtin_questions,
    is_question_file,
    load_question,
    question_problems,
)
from detente.world import World, builtin_world, fill_capability

BUILTIN = ["nato-csto-2005", "nato-csto-2009", "nrc-chicago-2012"]


@pytest.fixture(scope="module")
def world() -> World:
    return builtin_world()


def test_the_three_builtin_questions_are_listed() -> None:
    assert builtin_questions() == BUILTIN


@pytest.mark.parametrize("ident", BUILTIN)
def test_builtin_question_is_fully_coded(ident: str, world: World) -> None:
    q = load_question(ident, world)
    table = q.table
    assert q.id == ident and table.name == ident
    assert table.d == 1 and table.bounds.tolist() == [[0.0, 100.0]]
    assert {"0", "50", "100"} <= set(q.anchors)
    assert q.threshold is not None and 0 <= q.threshold <= 100
    assert table.n >= 8 and len(set(table.actors)) == table.n
    assert {"USA", "RUS", "NATO-SG"} <= set(table.actors)
    for a, actor in enumerate(table.actors):
        assert table.notes[a] and len(table.notes[a] or "") > 40, actor
        assert table.sources[a], actor
        assert set(table.sources[a]) <= set(world.sources), actor
        assert 0.0 <= table.position[a, 0] <= 100.0
        assert 0.0 < table.salience[a, 0] <= 1.0
        assert table.capability[a] > 0.0


@pytest.mark.parametrize("ident", BUILTIN)
def test_state_capabilities_come_from_the_world_before_the_date(ident: str, world: World) -> None:
    q = load_question(ident, world)
    snapshot = world.at(q.date)
    by_actor = {c.actor: c for c in q.capabilities}
    assert set(by_actor) == set(q.table.actors)
    from_world = [c for c in q.capabilities if c.measure is not None]
    assert len(from_world) >= 6
    for entry in from_world:
        known = fill_capability(snapshot, entry.actor, "milex")  # the world's fill rule
        assert known is not None
        assert entry.raw == known.value and entry.year == known.year
        assert entry.note == known.fill  # a filled value says how it was filled
        assert entry.year is not None and entry.year < q.date.year  # no look-ahead
        a = q.table.actors.index(entry.actor)
        assert q.table.capability[a] == pytest.approx(math.sqrt(known.value))
    for entry in q.capabilities:
        if entry.measure is None:  # explicit capability (a secretariat): justified
            assert entry.note and entry.actor in ("NATO-SG", "CSTO-SEC")


def test_the_2009_question_codes_the_us_against_and_the_csto_for(world: World) -> None:
    q = load_question("nato-csto-2009", world)
    pos = dict(zip(q.table.actors, q.table.position[:, 0], strict=True))
    assert pos["USA"] < 10 < 80 < pos["CSTO-SEC"]
    assert pos["USA"] < pos["NATO-SG"] < pos["RUS"]
    # the cables (kucera-2010) were published in 2011: no stakeholder is coded from them
    assert all("kucera-2010" not in s for s in q.table.sources)
    # the allies whose objection to resuming the NRC in March 2009 is on record are among the
    # most reluctant (baltictimes-2009-nrc, delfi-2009-nrc-lithuania-czech)
    assert pos["LTU"] <= pos["CZE"] < pos["DEU"] < pos["ITA"]
    # Capabilities are read from the world as of 2009-09-17: the 2008 figures.
    usa = next(c for c in q.capabilities if c.actor == "USA")
    assert usa.year == 2008 and usa.unit is not None


def test_unknown_question_lists_the_known_ones() -> None:
    with pytest.raises(UnknownIdError) as info:
        load_question("nato-csto-1999")
    assert "nato-csto-2009" in str(info.value)


_GOOD_ROW = """\
  - id: USA
    position: 10
    salience: 0.5
    note: A note long enough to justify the coding of this row.
    sources: [edm-2005]
"""

_HEADER = """\
id: test-q
date: 2009-09-18
scale: {dimension: engagement, min: 0, max: 100, anchors: {0: none, 100: full}}
threshold: 50
capability: {from_world: milex}
actors:
"""


def test_a_question_file_loads_by_path(tmp_path: Path, world: World) -> None:
    rows = _GOOD_ROW + _GOOD_ROW.replace("USA", "RUS") + _GOOD_ROW.replace("USA", "DEU")
    path = tmp_path / "q.yaml"
    path.write_text(_HEADER + rows, encoding="utf-8")
    assert is_question_file(path)
    q = load_question(path, world)
    assert q.table.actors == ("USA", "RUS", "DEU")
    assert q.table.capability[0] == world.at(q.date).capability("USA", "milex").value  # type: ignore[union-attr]


def test_bad_question_file_reports_every_problem_with_its_line(
    tmp_path: Path, world: World
) -> None:
    rows = (
        _GOOD_ROW
        + "  - id: RUS\n    position: 50\n    salience: 0.5\n    sources: [no-such-source]\n"
        + "  - id: CSTO-SEC\n    capability: 2\n    position: 90\n    salience: 0.9\n"
        "    note: A note long enough to justify the coding of this row.\n    sources: [edm-2005]\n"
        + _GOOD_ROW.replace("USA", "ATL")  # a state the world has no capability data for
    )
    path = tmp_path / "bad.yaml"
    path.write_text(_HEADER.replace("threshold: 50", "threshold: 150") + rows, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_question(path, world)
    text = str(info.value)
    assert "threshold" in text and "outside the scale" in text
    assert f"{path}:12: actors[1], note" in text  # RUS has no note (row starts on line 12)
    assert "unknown source id 'no-such-source'" in text
    assert "capability_note" in text  # CSTO-SEC's explicit capability is not justified
    assert "no milex value for ATL" in text


def _raw_actors(ident: str) -> list[dict[str, object]]:
    from detente.forecast.question import question_path
    from detente.yamlio import parse_yaml, read_text_file

    data, _ = parse_yaml(read_text_file(question_path(ident)), ident, dates_as_text=False)
    return list(data["actors"])


@pytest.mark.parametrize("ident", BUILTIN)
def test_every_ally_that_could_veto_is_a_stakeholder(ident: str, world: World) -> None:
    # NATO decides by consensus (nato-consensus): every member on the date could veto
    q = load_question(ident, world)
    allies = set(world.at(q.date).members("NATO"))
    assert len(allies) in (26, 28)
    assert allies <= set(q.table.actors)


@pytest.mark.parametrize("ident", BUILTIN)
def test_every_coding_rests_on_evidence_published_before_the_date(ident: str, world: World) -> None:
    q = load_question(ident, world)
    for row in _raw_actors(ident):
        evidence = row["evidence"]  # every built-in row names its evidence explicitly
        assert isinstance(evidence, list) and evidence, row["id"]
        known = [world.sources[str(s)].known_before(q.date) for s in evidence]
        assert any(known), (row["id"], evidence)


@pytest.mark.parametrize("ident", BUILTIN)
def test_each_question_is_dated_before_its_answer_was_public(ident: str, world: World) -> None:
    q = load_question(ident, world)
    assert q.observed is not None, ident  # every built-in question records what happened
    for s in q.observed["sources"]:
        assert not world.sources[str(s)].known_before(q.date), (ident, s)
    if ident == "nrc-chicago-2012":  # the review: <= 26 Jan 2012, before Putin's answer
        assert q.date <= dt.date(2012, 1, 27)


def test_a_row_coded_with_hindsight_is_an_error_at_its_line(tmp_path: Path, world: World) -> None:
    hindsight = _GOOD_ROW.replace("USA", "GBR").replace(
        "sources: [edm-2005]", "evidence: [kucera-2010]\n    sources: [kucera-2010, edm-2005]"
    )
    rows = _GOOD_ROW + _GOOD_ROW.replace("USA", "RUS") + hindsight
    path = tmp_path / "late.yaml"
    path.write_text(_HEADER + rows, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_question(path, world)
    (problem,) = info.value.problems
    assert problem.line == 17 and problem.field == "actors[2], evidence"
    assert "kucera-2010 (2011)" in problem.message and "hindsight" in problem.message
    # without `evidence`, the row's sources are its evidence: one published in time is enough
    path.write_text(_HEADER + rows.replace("    evidence: [kucera-2010]\n", ""), encoding="utf-8")
    assert load_question(path, world).table.n == 3
    # a question dated after the evidence's publication accepts the same row
    later = _HEADER.replace("2009-09-18", "2012-01-01") + rows
    path.write_text(later, encoding="utf-8")
    assert load_question(path, world).table.n == 3
    assert question_problems(path, world) == []


def test_world_check_reports_a_hindsight_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cli import call_main

    row = _GOOD_ROW.replace("sources: [edm-2005]", "sources: [kucera-2010]")
    path = tmp_path / "late.yaml"
    path.write_text(_HEADER + row + row.replace("USA", "RUS"), encoding="utf-8")
    args = ("world", "check", "--episodes", "none")
    code, _, err = call_main(capsys, *args, "--questions", str(path))
    assert code == 2 and "late.yaml:7: actors[0], sources" in err and "hindsight" in err
    code, out, _ = call_main(capsys, *args)  # the built-in questions by default
    assert code == 0 and "3 questions" in " ".join(out.split())
