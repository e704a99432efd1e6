"""Built-in forecasting questions: coding, sources, and capabilities taken from the world."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from detente.errors import InputError, UnknownIdError
from detente.forecast.question import builtin_questions, is_question_file, load_question
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
    assert "kucera-2010" in q.table.sources[q.table.actors.index("USA")]
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
    sources: [kucera-2010]
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
