"""``detente forecast EPISODE --lens L``: the bargaining models on a lens's stakeholder table."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tests.cli import run_in_process


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_in_process("forecast", *args)  # in-process: a subprocess adds only start-up


def _forecast(*args: str, runs: int = 200) -> dict[str, object]:
    result = run(*args, "--runs", str(runs), "--seed", "3", "--sensitivity", "none", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    (dimension,) = report["dimensions"]
    return dimension  # type: ignore[no-any-return]


def test_the_two_lenses_forecast_opposite_ends_of_the_scale() -> None:
    # 50 replicates: P(above 50) is about 0.05 and 1.0, far from the 0.5 the test separates at
    realist = _forecast("nrc-resume-2009", "--lens", "realist", runs=50)
    liberal = _forecast("nrc-resume-2009", "--lens", "liberal", runs=50)
    # realist: allies balancing a threatening Russia sit at the refusing end; liberal: the
    # shared threats and the institutions already in place carry the resumption
    assert realist["forecast"] < 50 < liberal["forecast"]  # type: ignore[operator]
    assert realist["p_exceeds"]["probability"] < 0.5 < liberal["p_exceeds"]["probability"]  # type: ignore[index]


def test_lens_parameters_reach_the_table() -> None:
    # the EUM: 2 x 200 SMP replicates of the 33-actor lens table took minutes (SMP: below)
    # 20 replicates are plenty to see a changed table move the forecast (and its median)
    base = _forecast("nato-csto-2009", "--lens", "realist", runs=20)
    changed = _forecast("nato-csto-2009", "--lens", "realist", "--set", "scale=5", runs=20)
    assert base["forecast"] != changed["forecast"]
    assert base["median"] != changed["median"]


def test_the_smp_runs_on_a_lens_table() -> None:
    result = run(
        "nato-csto-2009", "--lens", "realist", "--model", "smp", "--runs", "5", "--rounds", "10",
        "--sensitivity", "none", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["model"] == "smp" and len(report["actors"]) > 20


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("nato-csto-2009", "--lens", "marxist"), "unknown lens 'marxist'"),
        (("no-such-episode", "--lens", "realist"), "unknown episode 'no-such-episode'"),
        (("nato-csto-2009", "--set", "scale=2"), "give --lens too"),
        (("nato-csto-2009", "--lens", "realist", "--set", "nonsense=1"), "nonsense"),
    ],
)
def test_bad_lens_input_exits_2(args: tuple[str, ...], words: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr
