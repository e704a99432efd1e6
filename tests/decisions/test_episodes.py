"""The episode loader: good files load, malformed ones give file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from detente.decisions import Episode, Question, get_episode, load_episodes, load_questions
from detente.errors import InputError, Problem, UnknownIdError

GOOD = """\
episodes:
  - id: nato-csto-2009
    date: 2009-09-18
    type: engagement
    proposer: NATO
    target: CSTO
    text: Will NATO open official contacts with the CSTO?
    recorded_outcome: refuse
    sources: [kucera-2010]
  - id: uzb-cst-1999
    date: 1999-04-02
    type: membership
    proposer: UZB
    target: CST
    action: leave
    text: Will Uzbekistan leave?
    recorded_outcome: leave
    sources: [csto-basic-facts]
"""


def write(tmp_path: Path, text: str, name: str = "episodes.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load_episodes(path)
    return list(info.value.problems)


def test_good_file_loads(tmp_path: Path) -> None:
    episodes = load_episodes(write(tmp_path, GOOD))
    assert [e.id for e in episodes] == ["nato-csto-2009", "uzb-cst-1999"]
    assert episodes[1].outcomes == ("leave", "stay") and episodes[1].yes_happened
    assert get_episode("uzb-cst-1999", episodes) is episodes[1]
    with pytest.raises(UnknownIdError, match="nato-csto-2009"):
        get_episode("nope", episodes)


def test_folder_loads_every_yaml_file(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD.replace("nato-csto-2009", "other").replace("uzb-cst-1999", "x"), "b.yml")
    (tmp_path / "notes.txt").write_text("ignored")
    assert len(load_episodes(tmp_path)) == 4


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, "episodes:\n  - id: x\n    date: [2009\n")
    (problem,) = problems_of(path)
    assert problem.file == str(path) and problem.line is not None
    assert "not valid YAML" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("- id: x\n", 1, None, "mapping with the key 'episodes'"),
        ("episodes: {id: x}\n", 1, "episodes", "list of episodes"),
        ("episodes:\n  - just a string\n", 2, "episodes[0]", "expected a mapping"),
        (GOOD + "extra: 1\n", 19, "extra", "unknown key"),
        (GOOD.replace("date: 2009-09-18", "date: 2009-13-01"), 3, "episodes[0].date", "date"),
        (GOOD.replace("    text: Will Uzbekistan leave?\n", ""), 10, "episodes[1].text", "missing"),
        (
            GOOD.replace("recorded_outcome: refuse", "recorded_outcome: maybe"),
            8,
            "episodes[0].recorded_outcome",
            "'maybe' is not one of the outcomes",
        ),
        (
            GOOD.replace("action: leave", "action: quit"),
            15,
            "episodes[1].action",
            "needs an action",
        ),
        (
            GOOD.replace(
                "    sources: [kucera-2010]\n", "    sources: [kucera-2010]\n    colour: red\n"
            ),
            10,
            "episodes[0].colour",
            "unknown field",
        ),
        (GOOD.replace("sources: [kucera-2010]", "sources: []"), 9, "episodes[0].sources", ""),
        (GOOD.replace("proposer: NATO", "proposer: nato"), 5, "episodes[0].proposer", "pattern"),
    ],
)
def test_malformed_files_are_located(
    tmp_path: Path, text: str, line: int, field: str | None, message: str
) -> None:
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), line, field)
    assert message in problem.message


def test_every_problem_is_reported_with_the_episode_id(tmp_path: Path) -> None:
    text = GOOD.replace("recorded_outcome: refuse", "recorded_outcome: maybe").replace(
        "type: membership", "type: war"
    )
    problems = problems_of(write(tmp_path, text))
    assert [p.field for p in problems] == ["episodes[0].recorded_outcome", "episodes[1].type"]
    assert problems[0].message.startswith("episode 'nato-csto-2009': ")
    assert str(problems[0]).startswith(
        f"{tmp_path / 'episodes.yaml'}:8: episodes[0].recorded_outcome"
    )


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    a = write(tmp_path, GOOD, "a.yaml")
    b = write(tmp_path, GOOD, "b.yaml")
    problems = problems_of(tmp_path)
    assert [(p.file, p.line, p.field) for p in problems] == [
        (str(b), 2, "episodes[0].id"),
        (str(b), 10, "episodes[1].id"),
    ]
    assert problems[0].message == f"duplicate id 'nato-csto-2009' (first defined at {a}:2)"


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    assert "no such file" in problems_of(tmp_path / "nope.yaml")[0].message
    (tmp_path / "empty").mkdir()
    assert "no .yaml" in problems_of(tmp_path / "empty")[0].message


def test_questions_may_omit_the_recorded_outcome(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    recorded_outcome: refuse\n", ""))
    questions = load_questions(path)
    assert type(questions[0]) is Question and isinstance(questions[1], Episode)
    (problem,) = problems_of(path)
    assert problem.field == "episodes[0].recorded_outcome"


def test_yaml_never_builds_python_objects(tmp_path: Path) -> None:
    path = write(tmp_path, "episodes: !!python/object/apply:os.system ['true']\n")
    assert "not valid YAML" in problems_of(path)[0].message
