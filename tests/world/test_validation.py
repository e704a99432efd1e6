"""Malformed worlds: every problem is found, each located at its file, line and field."""

# ruff: noqa: E501 - the table of cases reads best one case per line

from __future__ import annotations

from pathlib import Path

import pytest
from tests.world.conftest import MINI_WORLD

from detente.errors import InputError
from detente.world import check_world, load_world

# (name, text to replace in the mini world, replacement, expected line, expected words)
CASES = [
    ("unknown-actor", "{actor: RUS, org: CSTO", "{actor: RUX, org: CSTO", 17, "unknown actor id 'RUX'"),
    ("unknown-org", "{actor: RUS, org: CSTO", "{actor: RUS, org: CSTP", 17, "unknown organisation id"),
    ("overlap", "start: 2012-06-28, end: 2012-12-19", "start: 2012-06-01, end: 2012-12-19", 19, "overlaps"),
    ("reversed", "end: 2012-06-28, sources", "end: 2005-01-01, sources", 18, "on or before it starts"),
    ("date-format", "founded: 2002-10-07", "founded: 07/10/2002", 13, "expected a date YYYY-MM-DD"),
    ("date-impossible", "founded: 2002-10-07", "founded: 2002-13-07", 13, "month"),
    ("date-short", "founded: 2002-10-07", "founded: 2002-1-7", 13, "expected a date"),
    ("negative-capability", "2009: 58.5", "2009: -58.5", 25, "negative value"),
    ("missing-capability", "2009: 58.5", "2009: null", 25, "missing value"),
    ("text-capability", "2009: 58.5", "2009: lots", 25, "valid number"),
    ("no-sources", "{id: RUS, name: Russia, cow: 365, sources: [src-a]}", "{id: RUS, name: Russia, cow: 365}", 6, "required field is missing"),
    ("empty-sources", "cow: 365, sources: [src-a]", "cow: 365, sources: []", 6, "at least 1 item"),
    ("unknown-source", "cow: 2, sources: [src-a]", "cow: 2, sources: [src-z]", 8, "unknown source id 'src-z'"),
    ("duplicate-state", "{id: UZB, name: Uzbekistan", "{id: RUS, name: Uzbekistan", 7, "duplicate id 'RUS'"),
    ("duplicate-source", "{id: src-b,", "{id: src-a,", 4, "duplicate id 'src-a'"),
    ("same-work-title", "title: Source B, year: 2010", "title: 'source a.', year: 2007", 4, "the same title as source 'src-a'"),
    ("bad-iso3", "{id: RUS, name: Russia", "{id: Rus, name: Russia", 6, "should match pattern"),
    ("unknown-field", "cow: 2, sources", "cow: 2, colour: red, sources", 8, "unknown field"),
    ("bad-status", "status: suspended", "status: paused", 19, "'member'"),
    ("bad-rule", "decision_rule: consensus", "decision_rule: unanimity", 14, "'consensus'"),
    ("self-relation", "{a: USA, b: RUS", "{a: USA, b: USA", 28, "two different actors"),
    ("intensity-range", "intensity: 0.6", "intensity: 1.6", 28, "less than or equal to 1"),
    ("before-founding", "{actor: RUS, org: CSTO, start: 2002-10-07", "{actor: RUS, org: CSTO, start: 2001-01-01", 17, "before CSTO was founded"),
    ("cow-range", "cow: 2,", "cow: 0,", 8, "greater than or equal to 1"),
    ("item-not-mapping", "  - {id: USA, name: United States, cow: 2, sources: [src-a]}", "  - USA", 8, "valid dictionary"),
    ("yaml-syntax", "title: Source A, year: 2007}", "title: Source A, year: 2007", None, "not valid YAML"),
]  # fmt: skip


def _write(folder: Path, old: str, new: str) -> Path:
    assert old in MINI_WORLD, old
    path = folder / "world.yaml"
    path.write_text(MINI_WORLD.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_mini_world_is_valid(mini_world_dir: Path) -> None:
    assert check_world(mini_world_dir) == []


@pytest.mark.parametrize(
    ("old", "new", "line", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_world_is_located(
    tmp_path: Path, old: str, new: str, line: int | None, words: str
) -> None:
    path = _write(tmp_path, old, new)
    problems = check_world(path)
    assert problems, "the broken world was accepted"
    matching = [p for p in problems if words in str(p)]
    assert matching, [str(p) for p in problems]
    assert all(p.file == str(path) for p in problems)
    if line is not None:
        assert matching[0].line == line, str(matching[0])


def test_unknown_section_is_named(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(MINI_WORLD + "alliances: []\n", encoding="utf-8")
    (problem,) = check_world(path)
    assert (problem.line, problem.field) == (29, "alliances")
    assert "unknown section" in problem.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = MINI_WORLD
    for _, old, new, _, _ in (CASES[0], CASES[4], CASES[7], CASES[12], CASES[14]):
        text = text.replace(old, new, 1)
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_world(path)
    assert len(info.value.problems) >= 5
    assert "problems found" in str(info.value)


def test_problems_span_files_of_a_folder(mini_world_dir: Path) -> None:
    (mini_world_dir / "more.yaml").write_text(
        "states:\n  - {id: KAZ, name: Kazakhstan, cow: 705, sources: [nowhere]}\n", encoding="utf-8"
    )
    (problem,) = check_world(mini_world_dir)
    assert problem.file is not None and problem.file.endswith("more.yaml")
    assert problem.line == 2


def test_yaml_cannot_construct_python_objects(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("states: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    (problem,) = check_world(path)
    assert "not valid YAML" in problem.message


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_world(tmp_path / "nope")
    with pytest.raises(InputError, match=r"no \.yaml"):
        load_world(tmp_path)


def test_one_work_has_one_id(tmp_path: Path) -> None:
    # the same address under two ids (scheme, www. and a trailing slash do not make a new work)
    a = "title: Source A, year: 2007, url: 'https://www.example.org/doc/'}"
    b = "title: Source B, year: 2010, url: 'http://example.org/doc'}"
    text = MINI_WORLD.replace("title: Source A, year: 2007}", a).replace(
        "title: Source B, year: 2010}", b
    )
    (tmp_path / "world.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_world(tmp_path)
    (problem,) = info.value.problems
    assert problem.line == 4 and "the same address as source 'src-a'" in problem.message
    # one title, two publication years: two editions, two works
    text = MINI_WORLD.replace("title: Source B, year: 2010", "title: Source A, year: 2010")
    (tmp_path / "world.yaml").write_text(text, encoding="utf-8")
    assert len(load_world(tmp_path).sources) == 2
