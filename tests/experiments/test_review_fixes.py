"""Regression tests for review findings in the backtest scores and the CLI's settings."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from detente.cli import main
from detente.experiments.backtest import log_score


def test_perfect_log_score_is_plus_zero() -> None:
    # -mean(log 1) is -0.0, which the backtest table printed as "-0.0000".
    assert math.copysign(1.0, log_score([1.0, 0.0], [1, 0])) == 1.0
    assert f"{log_score([1.0], [1]):.4f}" == "0.0000"


def test_every_bad_setting_is_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("realist:\n  rivalry_weightt: 0.5\n  force_floor: 2\nbogus: 1\n")
    with pytest.raises(SystemExit) as info:
        main(["explain", "nato-csto-2009", "--lens", "realist", "--params", str(params)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "3 problems found" in err
    assert "bogus" in err and "rivalry_weightt" in err and "force_floor" in err
    assert "Traceback" not in err
