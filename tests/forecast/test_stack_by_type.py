"""The stack's lens and bargaining weights partially pooled by decision type (issue 12)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from detente.experiments.lfo import StackedEpisode, _weights_json, lfo_forecasts
from detente.forecaster import (
    GRID,
    OFFSET_SD,
    EpisodeSignals,
    fit_calibrated_stack,
    fit_stack,
    with_prior_behaviour,
)
from detente.forecaster import _map as map_fit
from detente.forecaster import _prior as prior
from detente.forecaster import _row as row

TERMS = {
    "status_quo": 1.0,
    "tabled": 1.0,
    "tabled_status_quo": 1.0,
    "prior_behaviour": 0.0,
    "proposer_decides": 0.0,
    "veto_players": 0.0,
    "consensus_rule": 0.0,
    "pledged": 0.0,
}


def two_types(
    n: int, seed: int, *, types: tuple[str, str] = ("basing", "membership")
) -> list[EpisodeSignals]:
    """Signals of two decision types: in the first the outcome follows the lens logit (weight
    1.5) and the bargaining signal (weight 1); in the second both are pure noise."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = types[i % 2]
        z = rng.normal(0.0, 1.5, size=len(GRID))
        bz = float(rng.normal(0.0, 1.5))
        sq = 1.0 if rng.uniform() < 0.5 else -1.0
        eta = 1.5 * z[0] + 1.0 * bz if kind == types[0] else 0.0
        y = int(rng.uniform() < expit(eta + 0.3 * sq))
        out.append(
            EpisodeSignals(
                f"e{i:04d}",
                dt.date(1993, 1, 1) + dt.timedelta(days=3 * i),
                kind,
                "hand-coded",
                "AAA" if i % 3 else "BBB",
                y,
                {"lens": tuple(float(v) for v in expit(z))},
                {**TERMS, "status_quo": sq, "tabled_status_quo": sq},
                {"lens": float(expit(bz))},
                target="ZZZ",
            )
        )
    return with_prior_behaviour(out)


def test_a_signal_informative_in_one_type_and_noise_in_another_gets_type_weights() -> None:
    signals = two_types(600, seed=3)
    model = fit_stack(signals, ["lens"], bargain=["lens"], grid=[0])
    assert model.offset_types == ("basing", "membership")
    weights = {t: {n: c + o for n, c, o in model.weights(t)} for t in model.offset_types}
    # informative type: near its generating weights; noise type: near 0
    assert weights["basing"]["lens:lens"] == pytest.approx(1.5, abs=0.4)
    assert weights["basing"]["bargain:lens"] == pytest.approx(1.0, abs=0.4)
    assert abs(weights["membership"]["lens:lens"]) < 0.3
    assert abs(weights["membership"]["bargain:lens"]) < 0.3
    # the offsets are named inputs of the explanation, which stays exactly additive
    s = next(s for s in signals if s.type == "membership")
    f = model.forecast(s)
    names = dict(f.contributions)
    assert "lens:lens|type:membership" in names and "lens:lens|type:basing" not in names
    assert sum(names.values()) == pytest.approx(f.logit, abs=1e-12)


def test_without_offsets_the_same_data_get_one_compromise_weight() -> None:
    """The face-validity contrast: pooled into one type, the informative and the noise episodes
    share one weight, between the two (the model without offsets)."""
    signals = [dataclasses.replace(s, type="all") for s in two_types(600, seed=3)]
    model = fit_stack(signals, ["lens"], bargain=["lens"], grid=[0])
    assert model.offset_types == ()
    (_, lens_weight, offset), _ = model.weights("all")
    assert offset == 0.0 and 0.3 < lens_weight < 1.2


def test_the_fit_is_the_map_of_the_rows_it_forecasts_with() -> None:
    """The vectorised design of the fit and the row of a forecast agree column for column: the
    gradient of the log posterior, built from the forecast rows, vanishes at the fitted weights."""
    signals = two_types(200, seed=8, types=("engagement", "force"))
    model = fit_stack(signals, ["lens"], bargain=["lens"], tau=0.5)
    x = np.array([model.row(s) for s in signals])
    y = np.array([s.y for s in signals], dtype=np.float64)
    mean, sd = prior(["lens"], model.types, True, ["lens"], 0.5, model.offset_types)
    assert sd[-1] == 0.5 * OFFSET_SD and len(mean) == len(model.columns)
    grad = x.T @ (y - expit(x @ model.coef)) - (model.coef - mean) / sd**2
    assert np.max(np.abs(grad)) < 1e-6


def test_a_type_unseen_in_training_gets_the_common_weights() -> None:
    signals = two_types(120, seed=4)
    model = fit_stack(signals, ["lens"], bargain=["lens"])
    new = dataclasses.replace(signals[0], type="alignment")
    f = model.forecast(new)
    assert all(offset == 0.0 for _, _, offset in f.weights)
    assert not any("|type:" in name for name, _ in f.contributions)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(8, 80),
    seed=st.integers(0, 10_000),
    tau=st.sampled_from([0.25, 1.0, 2.0]),
    outside=st.booleans(),
    bargain=st.booleans(),
)
def test_with_one_type_the_model_is_the_one_without_offsets(
    n: int, seed: int, tau: float, outside: bool, bargain: bool
) -> None:
    """Property: a training set of one decision type gets no offset column, and its fit is the MAP
    of the design and priors without offsets (the stack before the pooling by type), at the grid
    point of highest posterior."""
    signals = [dataclasses.replace(s, type="basing") for s in two_types(n, seed)]
    if len({s.y for s in signals}) < 2:
        signals[0] = dataclasses.replace(signals[0], y=1 - signals[0].y)
    names = ["lens"] if bargain else []
    model = fit_stack(signals, ["lens"], outside=outside, bargain=names, tau=tau)
    assert model.offset_types == () and not any("|type:" in c for c in model.columns)
    y = np.array([s.y for s in signals], dtype=np.float64)
    mean, sd = prior(["lens"], ("basing",), outside, names, tau)
    fits = [
        map_fit(
            np.array([row(s, ["lens"], ("basing",), g, outside, names) for s in signals]),
            y,
            mean,
            sd,
        )
        for g in range(len(GRID))
    ]
    best = max(range(len(GRID)), key=lambda g: fits[g][1])
    assert fits[model.grid_index][1] == pytest.approx(fits[best][1], abs=1e-9)
    np.testing.assert_allclose(model.coef, fits[model.grid_index][0], rtol=1e-9, atol=1e-12)


def test_the_lfo_json_and_the_episode_json_list_the_type_weights() -> None:
    signals = two_types(90, seed=5)
    forecasts, _ = lfo_forecasts(signals, ["lens"], min_train=60, choose_tau=False)
    result_rows = [f for f in forecasts if f.stack is not None]
    assert result_rows
    f = result_rows[0]
    assert f.stack is not None
    data = _weights_json(f.stack, f.type, f.origin)
    assert data["type"] == f.type and data["origin"] == f.origin
    entry = data["lens:lens"]
    # one origin in training: no origin offset, the total is common + type offset
    assert entry["origin_offset"] == 0.0
    assert entry["total"] == pytest.approx(entry["common"] + entry["offset"])
    assert entry["offset"] != 0.0  # two types in training: the episode's type has an offset


def test_explain_prints_the_type_weights(capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli.explain import print_stacked

    signals = two_types(80, seed=6)
    stack = fit_calibrated_stack(signals[:-1], ["lens"], bargain=["lens"])
    mine = signals[-1]
    f = stack.forecast(mine)
    shown = StackedEpisode(
        mine.episode, mine.date, {"lens": 0.5}, f, 79, stack.model, None, mine, stack.calibration
    )
    print_stacked(shown)
    out = " ".join(capsys.readouterr().out.split())
    assert f"weights for {mine.type} (common + type offset)" in out
    assert shown.json()["weights_by_type"]["type"] == mine.type
    assert set(shown.json()["weights_by_type"]) == {"type", "origin", "lens:lens", "bargain:lens"}
