"""The one hardened YAML reader: budgets, duplicate keys, numbers, dates, lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.yamlio import MAX_DEPTH, group_lines, parse_yaml, read_yaml


def _bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _problems(text: str, **kw: bool) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_yaml(text, "f.yaml", **kw)
    return [str(p) for p in info.value.problems]


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    # 9**9 (387 million) strings once expanded: measured without expanding, then refused
    (message,) = _problems(_bomb())
    assert message.startswith("f.yaml:1: ") and "alias bomb" in message


def test_shared_aliases_within_budget_are_read() -> None:
    data, lines = parse_yaml("a: &x [1, 2]\nb: *x\n", "f.yaml")
    assert data == {"a": [1, 2], "b": [1, 2]}
    assert lines[("b", 1)] == 1  # an alias points at its anchor's line


def test_a_recursive_alias_is_a_problem_at_its_line() -> None:
    (message,) = _problems("top: 1\nx: &a [*a]\n")
    assert message.startswith("f.yaml:2: ") and "recursive alias" in message


def test_duplicate_keys_are_reported_at_their_line() -> None:
    text = "name: t\nactors:\n  - {id: A, capability: 3.5, capability: 99}\nname: u\n"
    assert _problems(text) == [
        "f.yaml:3: actors[0].capability: duplicate key 'capability' (first at line 3)",
        "f.yaml:4: name: duplicate key 'name' (first at line 1)",
    ]


def test_merge_keys_are_not_duplicates() -> None:
    data, _ = parse_yaml("base: &b {x: 1}\nthing:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert data["thing"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_non_finite_numbers_are_refused_at_their_line(value: str) -> None:
    (message,) = _problems(f"a: 1\nb: [{value}]\n")
    assert message == f"f.yaml:2: b[0]: {value} is not a finite number"


def test_an_integer_beyond_the_float_range_is_refused() -> None:
    (message,) = _problems("a: " + "9" * 400 + "\n")
    assert message.startswith("f.yaml:1: a: the integer 9999") and "too large" in message
    (message,) = _problems("a: " + "9" * 5000 + "\n")  # beyond Python's digit limit too
    assert "too large" in message


@pytest.mark.parametrize("day", ["2009-02-30", "0000-01-01", "2012-13-01"])
def test_impossible_dates_are_refused_at_their_line(day: str) -> None:
    (message,) = _problems(f"x: 1\ndate: {day}\n", dates_as_text=False)
    assert message.startswith(f"f.yaml:2: date: {day} is not a real date")


def test_dates_become_dates_only_when_asked() -> None:
    assert parse_yaml("d: 2009-09-10\n", "f")[0] == {"d": "2009-09-10"}
    assert parse_yaml("d: 2009-09-10\n", "f", dates_as_text=False)[0] == {"d": dt.date(2009, 9, 10)}


def test_nesting_beyond_the_depth_limit_is_one_problem() -> None:
    deep = "states:\n  - " + "[" * 990 + "]" * 990 + "\n"
    (message,) = _problems(deep)
    assert message.startswith("f.yaml:2: ") and f"deeper than {MAX_DEPTH}" in message


def test_odd_integer_keys_keep_their_text() -> None:
    data, lines = parse_yaml("values: {0x1F: 1, 2008: 2, 1_000: 3}\n", "f")
    assert ("values", 2008) in lines and ("values", "0x1F") in lines
    assert data["values"][2008] == 2


def test_line_map_is_complete_and_grouped_in_one_pass() -> None:
    text = "m:\n  - id: a\n    start: 1\n  - id: b\n    start: 2\n"
    _, lines = parse_yaml(text, "f")
    assert lines[("m", 0)] == 2 and lines[("m", 1, "start")] == 5
    assert group_lines(lines, 2) == {
        ("m", 0): {("id",): 2, ("start",): 3},
        ("m", 1): {("id",): 4, ("start",): 5},
    }


def test_syntax_errors_keep_their_line() -> None:
    (message,) = _problems("a: 1\nb: [unclosed\n")
    assert message == "f.yaml:3: not valid YAML: did not find expected ',' or ']'"


def test_tags_never_build_python_objects(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    text = f"x: !!python/object/apply:os.system ['touch {canary}']\n"
    with pytest.raises(InputError):
        parse_yaml(text, "f")
    assert not canary.exists()


def test_read_yaml_refuses_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: D\xe9tente\n".encode("latin-1"))
    with pytest.raises(InputError, match="not a UTF-8 text file"):
        read_yaml(path)
