"""CLI habits: suggestions for unknown ids, ids matched ignoring case, -q/-v, completion."""

from __future__ import annotations

import json
import logging

import pytest
from tests.cli import call_main

from detente.errors import UnknownIdError, match_id, suggest
from detente.experiments.runner import progress_bar


def test_match_id_takes_the_one_id_equal_ignoring_case() -> None:
    assert match_id("kaz", ["KAZ", "KGZ"]) == "KAZ"
    assert match_id("KAZ", ["KAZ", "kaz"]) == "KAZ"  # exact match first
    assert match_id("Kaz", ["KAZ", "kaz"]) is None  # ambiguous: no guess
    assert match_id("UZB", ["KAZ"]) is None


def test_unknown_ids_suggest_the_nearest_known_ones() -> None:
    assert suggest("CTSO", ["CSTO", "CIS", "NATO"])[0] == "CSTO"
    err = UnknownIdError("episode", "nato-cst0-2009", ["nato-csto-2009", "kgz-manas-2009"])
    assert "did you mean 'nato-csto-2009'" in str(err)
    assert suggest("zzzz", ["CSTO"]) == []


def test_the_cli_suggests_and_matches_case(capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = call_main(capsys, "forecast", "nato-csto-2090", "--runs", "10")
    assert code == 2 and "did you mean 'nato-csto-2009'" in err
    code, out, err = call_main(
        capsys, "forecast", "NATO-CSTO-2009", "--runs", "20", "--sensitivity", "none", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["subject"]["id"] == "nato-csto-2009"
    code, _, err = call_main(capsys, "explain", "nato-csto-2009", "--lens", "Realst")
    assert code == 2 and "did you mean 'realist'" in err


def test_quiet_and_verbose_set_the_log_level(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = call_main(capsys, "-q", "questions", "--json")
    assert code == 0 and json.loads(out)
    assert logging.getLogger("detente").level == logging.ERROR
    code, _, _ = call_main(capsys, "-vv", "questions", "--json")
    assert code == 0 and logging.getLogger("detente").level == logging.DEBUG


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys) -> None:  # type: ignore[no-untyped-def]
    with progress_bar(3, "work") as advance:
        advance(3)
    assert capsys.readouterr().err == ""


def test_shell_completion_is_offered(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = call_main(capsys, "--help")
    assert code == 0 and "--install-completion" in out


@pytest.mark.parametrize("command", ["forecast", "sweep", "show"])
def test_flags_say_what_they_take(capsys, command: str) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = call_main(capsys, command, "--help")
    assert "DIR" in out or "N " in out
