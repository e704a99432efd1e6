"""User text reaches the terminal literally: no markup, no emoji codes, no raw control codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli import call_main

from detente.cli.common import literal

RUNS = ("--runs", "20", "--sensitivity", "morris")


def _table(path: Path, actors: list[str]) -> Path:
    rows = "".join(f"{a},{i + 1},{50 * i},0.5\n" for i, a in enumerate(actors))
    path.write_text("Actor,Capability,Position,Salience\n" + rows, encoding="utf-8")
    return path


def test_markup_in_actor_ids_prints_as_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actors = ["[/bold]", "[red]N[/]l", "C:100:"]
    code, out, err = call_main(capsys, "forecast", str(_table(tmp_path / "t.csv", actors)), *RUNS)
    assert code == 0, err
    assert "[/bold]" in out and "[red]N[/]l" in out and "C:100:" in out


def test_markup_in_a_path_prints_as_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "a["
    folder.mkdir()
    table = _table(folder / "[b].csv", ["A", "B", "C"])
    code, out, err = call_main(
        capsys, "forecast", str(table), "--runs", "5", "--sensitivity", "none"
    )
    assert code == 0, err
    assert "[b]" in out
    code, _, err = call_main(capsys, "world", "check", str(tmp_path / "no[/x].yaml"))
    assert code == 2 and "no[/x].yaml" in err


def test_emoji_codes_do_not_eat_line_numbers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actors = [f"A{i}" for i in range(98)]
    path = _table(tmp_path / "t.csv", actors)
    path.write_text(path.read_text() + "X,abc,0,0.5\n")  # line 100
    code, _, err = call_main(capsys, "forecast", str(path))
    assert code == 2 and "t.csv:100: row 100" in err and "\N{HUNDRED POINTS SYMBOL}" not in err


def test_control_characters_are_shown_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # a file name with terminal codes is printed escaped
    path = _table(tmp_path / "t\x1b[31m\x07.csv", ["A", "B", "C"])
    code, out, err = call_main(
        capsys, "forecast", str(path), "--runs", "5", "--sensitivity", "none"
    )
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "t\\x1b[31m" in out
    # an actor id holding one is refused at its row (ids are data: no terminal codes in them)
    path = _table(tmp_path / "t.csv", ["A\x1b[31m", "B\x00", "C"])
    code, _, err = call_main(capsys, "forecast", str(path))
    assert code == 2 and "t.csv:2: row 2, column Actor" in err and "\\x1b" in err
    assert "\x1b" not in err and "t.csv:3:" in err


def test_literal_keeps_printable_text_and_escapes_the_rest() -> None:
    assert literal("Détente [x]") == "Détente [x]"
    assert literal("a\tb\nc") == "a\tb\nc"
    assert literal("\x1b[2J\u202e") == "\\x1b[2J\\u202e"


def test_yaml_table_name_and_question_text_print_literally(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "t.yaml"
    rows = "\n".join(
        f"  - {{id: '{a}', capability: 1, position: {p}, salience: 0.5}}"
        for a, p in (("[/a]", 0), ("B", 50), ("C", 100))
    )
    path.write_text(f"name: '[/]'\nactors:\n{rows}\n", encoding="utf-8")
    code, out, err = call_main(
        capsys, "forecast", str(path), "--runs", "5", "--sensitivity", "none"
    )
    assert code == 0, err
    assert out.startswith("[/] ")  # the table's name, then its file


@pytest.mark.parametrize("args", [("world", "show"), ("world", "show", "--json")])
def test_non_utf8_terminals_do_not_crash(
    monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    import io

    from detente.cli import main

    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="ascii")  # as with PYTHONIOENCODING=ascii
    monkeypatch.setattr("sys.stdout", stdout)
    try:
        main(list(args))
    except SystemExit as exc:
        assert not exc.code
    stdout.flush()
    text = raw.getvalue()
    if "--json" in args:
        assert "Détente".encode() in text  # JSON is UTF-8 whatever the locale
    else:
        assert b"D\\xe9tente" in text  # the terminal cannot show it: an escape, not a crash


def test_the_backtest_heading_is_styled_not_printed_as_markup(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # consoles print text literally, so a heading written in rich markup would show its tags
    code, out, _ = call_main(capsys, "backtest", "--lens", "realist", "--from", "2023-01-01")
    assert code == 0 and out.startswith("Backtest of built-in episodes") and "[bold]" not in out
