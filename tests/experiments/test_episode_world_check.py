"""A user's episode file is checked against the world: unknown ids and dates outside the world's
coverage are problems with file, line and field (exit 2), not silent forecasts.

Before the fix, ``detente backtest`` forecast an engagement with an actor ``ZZZ`` that the world
does not hold (P = 0.159) and an episode dated 2090.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli import call_main

from detente.decisions import load_episodes
from detente.errors import InputError
from detente.world import builtin_world

BAD = """\
episodes:
  - id: future
    date: 2090-01-01
    type: engagement
    proposer: NATO
    target: CSTO
    text: t
    recorded_outcome: engage
    sources: [ffi-2007]
  - id: unknown-ids
    date: 2010-06-12
    type: assistance
    proposer: KGZ
    target: ZZZ
    clause: collective-security-treaty/art-99
    deciders: [RUS, QQQ]
    text: t
    recorded_outcome: decline
    sources: [ffi-2007, no-such-source]
"""

EXPECTED = [
    (3, "episodes[0].date", "outside the world's coverage"),
    (14, "episodes[1].target", "unknown actor 'ZZZ'"),
    (15, "episodes[1].clause", "unknown clause"),
    (16, "episodes[1].deciders[1]", "unknown actor 'QQQ'"),
    (19, "episodes[1].sources[1]", "unknown source 'no-such-source'"),
]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, out, err = call_main(capsys, *args)
    return code, out + err


def test_load_episodes_against_the_world(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    assert len(load_episodes(path)) == 2  # without a world only the format is checked
    with pytest.raises(InputError) as info:
        load_episodes(path, world=builtin_world())
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {(line, field) for line, field, _ in EXPECTED}
    assert all(p.file == str(path) for p in info.value.problems)


def test_backtest_reports_every_problem_with_file_line_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    code, text = _run(["backtest", str(path), "--lens", "realist"], capsys)
    assert code == 2
    assert "Traceback" not in text
    for line, field, message in EXPECTED:
        assert f"{path}:{line}: {field}: " in text
        assert message in text


def test_explain_checks_a_question_file_against_the_world(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.yaml"
    one = "\n".join(BAD.splitlines()[9:])  # the second record alone
    path.write_text("episodes:\n" + one + "\n")
    code, text = _run(["explain", str(path), "--lens", "realist"], capsys)
    assert code == 2
    assert "Traceback" not in text
    assert f"{path}:6: episodes[0].target: " in text
    assert "unknown actor 'ZZZ'" in text and "unknown source 'no-such-source'" in text


def test_builtin_episodes_pass_the_world_check() -> None:
    assert len(load_episodes(None, world=builtin_world())) == len(load_episodes(None))
