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
    args = ["backtest", "--lens", "realist", "--lens", "liberal", "--from", "2021-06-01", "--json"]
    code, out, _ = run(args, capsys)
    assert code == 0
    data = json.loads(out)
    assert data["protocol"].startswith("leave-future-out")
    assert {s["name"] for s in data["scores"]} == {
        "realist",
        "liberal",
        "base-rate",
        "status-quo",
        "persistence",
    }
    assert {s["subset"] for s in data["scores"]} == {"hand-coded", "all"}
    ids = {f["episode"] for f in data["forecasts"]}
    assert {"arm-csto-2022", "kaz-csto-2022", "rus-nato-2021"} <= ids
    assert all(f["date"] >= "2021-06-01" for f in data["forecasts"])


def test_backtest_users_file_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["backtest", str(DATA / "episodes.yaml"), "--lens", "realist"], capsys)
    assert code == 0
    assert "my-manas" in out and "persistence" in out and "Brier" in out
    assert "skipped" in out and "my-too-early" in out
    # the scores say they leave the skipped episode out
    assert "1 of 4 episodes skipped" in out


def _subset_file(tmp_path: Path, count: int) -> Path:
    import yaml

    from detente.decisions import builtin_episodes

    chosen = sorted(builtin_episodes(), key=lambda e: (e.date, e.id))[:count]
    records = [e.model_dump(mode="json", exclude_none=True) for e in chosen]
    path = tmp_path / "subset.yaml"
    path.write_text(yaml.safe_dump({"episodes": records}, sort_keys=False), encoding="utf-8")
    return path


def test_backtest_stack_with_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _subset_file(tmp_path, 45)
    plot = tmp_path / "reliability.png"
    args = ["backtest", str(path), "--lens", "realist", "--stack", "--min-train", "20"]
    code, out, _ = run([*args, "--plot", str(plot), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    names = {s["name"] for s in data["scores"]}
    assert {"stack", "realist (calibrated)", "outside view", "base-rate"} <= names
    assert "bargaining (calibrated)" in names
    row = next(f for f in data["forecasts"] if "stack" in f)
    stack = row["stack"]
    low, high = stack["interval_90"]
    assert low <= stack["p"] <= high
    assert {"p_map", "p_predictive", "floor", "recalibration"} <= set(stack)
    weights = stack["weights_by_type"]  # the lens's weight pooled by type: common + offset
    assert weights["type"] == row["type"] and {"lens:realist", "bargain:realist"} <= set(weights)
    assert any("|type:" in name for name in stack["logit_contributions"])
    assert {"stack (MAP)", "stack (predictive)"} <= names
    assert sum(data["episodes_by_origin"].values()) == 45
    bounds = data["stack_bounds"]["all"]
    assert bounds["forecasts"] == len(data["forecasts"])
    assert bounds["outside_with_floor_above_0.02"] == 0  # the bound holds, counted
    assert plot.stat().st_size > 0 and data["min_train"] == 20
    assert all(f["n_train"] >= 20 for f in data["forecasts"])


def test_backtest_bad_from_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["backtest", "--from", "2009-13-01"], capsys)
    assert code == 2 and "--from" in err
    code, _, err = run(["backtest", "--plot", str(tmp_path / "x.nope")], capsys)
    assert code == 2 and "cannot write a plot" in err


def test_explain_stack_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["explain", "nato-csto-2009", "--lens", "realist", "--stack"]
    code, out, _ = run([*args, "--history", str(DATA / "episodes.yaml"), "--json"], capsys)
    assert code == 0
    stack = json.loads(out)["stack"]
    # the user's file holds two episodes dated before 2009-09-18: too few to fit the stack
    assert stack["n_train"] == 2 and stack["p"] is None and "needs 30" in stack["reason"]
    assert stack["lenses"]["realist"] == json.loads(out)["explanations"][0]["p_yes"]
    # the base rate the stack would have to beat, from the same two earlier episodes: (k + 1) / 4
    assert stack["baselines"]["base-rate"] in (0.25, 0.5, 0.75)
    code, out, _ = run([*args, "--history", str(DATA / "episodes.yaml")], capsys)
    assert code == 0
    row = next(line for line in out.splitlines() if "base rate (earlier episodes)" in line)
    assert f"{stack['baselines']['base-rate']:.3f}" in row
