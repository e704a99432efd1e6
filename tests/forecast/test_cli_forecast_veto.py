"""``detente forecast --veto ORG`` and ``--stack`` through the real entry point."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tests.cli import call_main

from detente.world import builtin_world

FAST = ["--runs", "40", "--sensitivity", "none"]


def test_veto_puts_the_outcome_to_natos_consensus(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call_main(
        capsys, "forecast", "nato-csto-2009", "--veto", "nato", *FAST, "--json"
    )
    assert code == 0
    veto = json.loads(out)["veto"]
    assert veto["organisation"] == "NATO" and veto["rule"] == "consensus"
    assert 0.0 <= veto["p_pass"] <= veto["p_exceeds"]
    assert "USA" in veto["members"] and veto["reversion"] == 0.0
    # every NATO member of the day either votes (a stakeholder of the question) or is listed as
    # not coded, never guessed
    nato = set(builtin_world().at(dt.date(2009, 9, 18)).members("NATO"))
    assert set(veto["uncoded_members"]) | set(veto["members"]) == nato
    assert not set(veto["uncoded_members"]) & set(veto["members"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nato-csto-2009", "--reversion", "10"], "only together with --veto"),
        (["nato-csto-2009", "--veto", "NOPE"], "no such organisation"),
        (["nato-csto-2009", "--veto", "NATO", "--reversion", "500"], "outside the scale"),
    ],
)
def test_veto_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call_main(capsys, "forecast", *args, *FAST)
    assert code == 2 and message in err


def test_stack_with_a_short_history_says_why_it_has_no_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = Path(__file__).parents[1] / "experiments" / "data" / "episodes.yaml"
    args = ["forecast", "nato-csto-2009", *FAST, "--stack", "--history", str(history)]
    code, out, _ = call_main(capsys, *args, "--veto", "NATO")
    assert code == 0 and "Put to the vote of NATO (consensus)" in out
    # the stack's table: every registered lens beside it, and why there is no stacked number
    assert "Stacked forecast" in out and "realist (as it stands)" in out and "liberal" in out
    assert "the stack needs" in out
    table = Path(__file__).parent / "data" / "eu_plain.csv"
    code, _, err = call_main(capsys, "forecast", str(table), *FAST, "--stack")
    assert code == 2 and "episodes" in err  # a table is not an episode
