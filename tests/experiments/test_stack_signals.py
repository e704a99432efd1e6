"""The bargaining signal as a stack input, and the stacked forecast of one episode."""

from __future__ import annotations

import json

import pytest
from tests.cli import call_main

from detente.decisions import builtin_episodes, get_episode
from detente.experiments.lfo import stacked_episode
from detente.forecaster import (
    BARGAIN_RUNS,
    bargaining_signal,
    episode_signals,
    fit_stack,
)
from detente.lenses import get_lens
from detente.world import builtin_world


@pytest.fixture(scope="module")
def early() -> list:  # type: ignore[type-arg]
    return sorted(builtin_episodes(), key=lambda e: (e.date, e.id))[:34]


def test_the_signal_is_what_detente_forecast_prints(capsys: pytest.CaptureFixture[str]) -> None:
    episode = get_episode("nato-csto-2009")
    p = bargaining_signal(get_lens("realist"), builtin_world(), episode)
    assert p is not None
    args = ["forecast", episode.id, "--lens", "realist", "--runs", str(BARGAIN_RUNS)]
    code, out, _ = call_main(capsys, *args, "--seed", "0", "--sensitivity", "none", "--json")
    assert code == 0
    share = json.loads(out)["dimensions"][0]["p_exceeds"]["probability"]
    # the stack smooths the command's share k / runs to (k + 1/2) / (runs + 1)
    assert p == pytest.approx((share * BARGAIN_RUNS + 0.5) / (BARGAIN_RUNS + 1))


def test_a_missing_signal_is_an_indicator_not_a_zero(early: list) -> None:  # type: ignore[type-arg]
    chosen = early[::2]  # a few episodes, with and without a bargaining question
    signals, _ = episode_signals(chosen, builtin_world(), [get_lens("realist")], bargain=True)
    values = [s.bargain["realist"] for s in signals]
    assert any(v is None for v in values) and any(v is not None for v in values)
    model = fit_stack(signals, ["realist"], bargain=["realist"])
    assert {"bargain:realist", "bargain_missing:realist"} <= set(model.columns)
    col = model.columns.index
    for s in signals:
        row = model.row(s)
        if s.bargain["realist"] is None:
            assert row[col("bargain:realist")] == 0.0 and row[col("bargain_missing:realist")] == 1
        else:
            assert row[col("bargain_missing:realist")] == 0.0
            assert 0 < s.bargain["realist"] < 1  # smoothed: its logit is finite


def test_the_stacked_forecast_of_an_episode_does_not_see_its_future(
    early: list,  # type: ignore[type-arg]
) -> None:
    world, lenses = builtin_world(), [get_lens("realist")]
    target = early[-1]
    full = stacked_episode(target, world, lenses, early, min_train=10, bargain=False)
    past = [e for e in early if e.date < target.date]
    cut = stacked_episode(target, world, lenses, past, min_train=10, bargain=False)
    assert full.forecast is not None and cut.forecast is not None
    assert full.forecast == cut.forecast  # bit for bit
    assert full.forecast.low <= full.forecast.p <= full.forecast.high
    assert full.n_train == len(past)
    data = full.json()
    assert data["p"] == full.forecast.p and data["lenses"]["realist"] == full.lens_p["realist"]
    assert data["weights_by_type"]["type"] == target.type
    assert "lens:realist" in data["weights_by_type"]
    short = stacked_episode(target, world, lenses, early[:5], min_train=10, bargain=False)
    assert short.forecast is None and "needs 10" in (short.reason or "")
