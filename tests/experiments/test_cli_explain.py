"""``detente explain`` and ``detente backtest`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli import call_main, run_cli

DATA = Path(__file__).parent / "data"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return call_main(capsys, *args)


def test_explain_through_python_m() -> None:
    proc = run_cli("explain", "nato-csto-2009", "--lens", "realist")
    assert proc.returncode == 0, proc.stderr
    assert "deciders lean refuse" in proc.stdout and "USA" in proc.stdout
    assert "relative_gains" in proc.stdout


def test_explain_two_lenses_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["explain", "nato-csto-2009", "--lens", "realist", "--lens", "liberal"], capsys
    )
    assert code == 0
    assert "Outcome by lens" in out and "liberal" in out and "counterfactuals" in out


def test_explain_json_with_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(
        "realist:\n  rivalry_weight: 0.0\n  threat_weight: 0.0\n  influence_weight: 0.0\n"
    )
    code, out, _ = run(
        ["explain", "nato-csto-2009", "--lens", "realist", "--params", str(params), "--json"],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    expl = data["explanations"][0]
    assert expl["lens"] == "realist"
    weights = {p["name"]: p["value"] for p in expl["params"]}
    assert weights["rivalry_weight"] == 0.0
    # without relative gains, influence and balancing against Russia, no ally leans no (the
    # product of 28 independent acceptances still keeps P(engage) low)
    assert expl["leaning_no"] == 0 and expl["p_yes"] > 1e-3
    code, out, _ = run(
        ["explain", "nato-csto-2009", "--lens", "realist", "--set", "realist.scale=0.5", "--json"],
        capsys,
    )
    assert code == 0
    assert {p["name"]: p["value"] for p in json.loads(out)["explanations"][0]["params"]}[
        "scale"
    ] == 0.5


@pytest.mark.parametrize(
    "args, message",
    [
        (["explain", "nato-csto-2009", "--lens", "marxist"], "unknown lens"),
        (["explain", "nato-csto-2009", "--set", "realist.nope=1"], "unknown parameter"),
        (["explain", "nato-csto-2009", "--set", "rivalry_weight"], "not PARAM=VALUE"),
        (["explain", "nato-csto-2009", "--set", "rivalry_weight=-3"], "outside the valid range"),
        (["explain", "no-such-episode"], "unknown episode"),
        (["backtest", "--lens", "marxist"], "unknown lens"),
    ],
)
def test_bad_input_exits_2_without_traceback(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_backtest_builtin_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["backtest", "--lens", "realist", "--lens", "liberal", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert {s["name"] for s in data["scores"]} == {
        "realist",
        "liberal",
        "base-rate",
        "nothing-changes",
    }
    ids = {f["episode"] for f in data["forecasts"]}
    assert {"nato-csto-2005", "nato-csto-2009", "nrc-chicago-2012"} <= ids


def test_backtest_users_file_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["backtest", str(DATA / "episodes.yaml"), "--lens", "realist"], capsys)
    assert code == 0
    assert "my-manas" in out and "nothing-changes" in out and "Brier" in out
    assert "skipped" in out and "my-too-early" in out
    # the scores say they leave the skipped episode out
    assert "1 of 4 episodes skipped" in out
