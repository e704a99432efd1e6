"""Leave-future-out protocol, the stacked forecaster and the scores."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate
from scipy.special import expit, logit

from detente.decisions import builtin_episodes
from detente.experiments.lfo import (
    STACK,
    STACK_MAP,
    STACK_PREDICTIVE,
    leave_future_out,
    lfo_forecasts,
    score_forecasts,
)
from detente.experiments.scores import (
    auc,
    bootstrap_brier,
    brier,
    calibration_slope,
    murphy,
)
from detente.forecaster import (
    GRID,
    PRIOR_SCALES,
    Calibration,
    EpisodeSignals,
    choose_calibration,
    fit_calibrated_stack,
    fit_stack,
    predictive_logit,
    with_prior_behaviour,
)
from detente.lenses import get_lens
from detente.world import builtin_world


def synthetic(n: int = 70, seed: int = 5) -> list[EpisodeSignals]:
    """Signals whose outcome follows a lens logit and the status quo (a known model)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        day = dt.date(1995, 1, 1) + dt.timedelta(days=40 * (i // 2))  # pairs share a date
        z = rng.normal(0, 1.5, size=len(GRID))
        sq = 1.0 if rng.uniform() < 0.4 else -1.0
        y = int(rng.uniform() < 1 / (1 + math.exp(-(z[0] + 0.8 * sq))))
        p = tuple(float(1 / (1 + math.exp(-v))) for v in z)
        out.append(
            EpisodeSignals(
                f"e{i:03d}",
                day,
                "membership" if i % 3 else "basing",
                "hand-coded" if i % 4 else "generated",
                "AAA" if i % 2 else "BBB",
                y,
                {"lens": p},
                {
                    "status_quo": sq,
                    "tabled": 1.0 if i % 4 else 0.0,
                    "tabled_status_quo": sq if i % 4 else 0.0,
                    "prior_behaviour": 0.0,
                    "proposer_decides": float(i % 2),
                    "veto_players": 0.0,
                    "consensus_rule": float(i % 3 == 0),
                    "pledged": 0.0,
                },
            )
        )
    return with_prior_behaviour(out)


def test_a_forecast_does_not_change_when_the_future_is_removed() -> None:
    signals = synthetic()
    full, _ = lfo_forecasts(signals, ["lens"], min_train=20)
    by_id = {f.episode: f for f in full}
    for target in full[::12]:
        past = [s for s in signals if s.date < target.date]
        own = next(s for s in signals if s.episode == target.episode)
        # Every episode dated on or after the target (other than the target itself) removed.
        cut, _ = lfo_forecasts([*past, own], ["lens"], min_train=20)
        mine = next(f for f in cut if f.episode == target.episode)
        assert mine.p == by_id[target.episode].p  # bit for bit
        assert {STACK, STACK_MAP, STACK_PREDICTIVE} <= set(mine.p)  # the stack is covered
        assert mine.n_train == len(past)


def test_the_future_cannot_move_a_forecast_through_the_real_pipeline() -> None:
    episodes = sorted(builtin_episodes(), key=lambda e: e.date)[:50]
    world, lens = builtin_world(), get_lens("realist")
    full = leave_future_out(episodes, world, [lens], stacked=True, min_train=25, n_boot=50)
    assert "bargaining (calibrated)" in full.names  # the bargaining signal is stacked too
    target = full.forecasts[len(full.forecasts) // 2]
    kept = [e for e in episodes if e.date < target.date or e.id == target.episode]
    cut = leave_future_out(kept, world, [lens], stacked=True, min_train=25, n_boot=50)
    assert len(cut.forecasts) < len(full.forecasts)
    mine = next(f for f in cut.forecasts if f.episode == target.episode)
    assert mine.p == target.p
    assert STACK in mine.p and mine.stack == target.stack  # the reported stack, bit for bit


def test_burn_in_and_from() -> None:
    signals = synthetic()
    forecasts, burn = lfo_forecasts(signals, ["lens"], min_train=20)
    assert len(burn) == 20 and len(forecasts) == len(signals) - 20
    later, _ = lfo_forecasts(signals, ["lens"], min_train=20, start=dt.date(1997, 1, 1))
    assert later and all(f.date >= dt.date(1997, 1, 1) for f in later)
    assert {f.episode: f.p for f in later}.items() <= {f.episode: f.p for f in forecasts}.items()


def test_stack_explanation_is_additive_and_interval_contains_the_forecast() -> None:
    signals = synthetic()
    model = fit_stack(signals[:60], ["lens"])
    for s in signals[60:70]:
        f = model.forecast(s)
        assert sum(v for _, v in f.contributions) == pytest.approx(f.logit)
        assert f.low <= f.p <= f.high
        assert {c for c, _ in f.contributions} >= {"intercept", "lens:lens"}


def test_the_stack_learns_the_generating_model() -> None:
    signals = synthetic(n=400, seed=2)
    model = fit_stack(signals, ["lens"])
    coef = dict(zip(model.columns, model.coef, strict=True))
    assert model.grid_index == 0  # the outcome follows the lens at its first grid point
    assert coef["lens:lens"] == pytest.approx(1.0, abs=0.35)
    assert coef["status_quo"] == pytest.approx(0.8, abs=0.45)


def test_with_little_data_the_lens_weight_stays_at_its_prior() -> None:
    signals = synthetic(n=4)
    coef = dict(zip(*(lambda m: (m.columns, m.coef))(fit_stack(signals, ["lens"])), strict=True))
    assert 0.4 < coef["lens:lens"] < 1.6


def test_scores_report_both_subsets_and_the_stack_beats_the_base_rate_here() -> None:
    signals = synthetic(n=160, seed=9)
    forecasts, _ = lfo_forecasts(signals, ["lens"], min_train=30)
    names = ["lens", STACK, "base-rate", "status-quo", "persistence"]
    scores = score_forecasts(forecasts, names, ["lens"], n_boot=200, seed=1)
    assert {s.subset for s in scores} == {"hand-coded", "all"}
    stack = next(s for s in scores if s.name == STACK and s.subset == "all")
    base = next(s for s in scores if s.name == "base-rate" and s.subset == "all")
    assert stack.brier < base.brier and stack.versus["base-rate"][2] < 0
    assert stack.brier_low <= stack.brier <= stack.brier_high
    assert 0.6 < stack.calibration_slope < 1.5


probs = st.lists(st.floats(0.0, 1.0), min_size=2, max_size=40)


@given(probs, st.data())
def test_murphy_decomposition_is_exact(p: list[float], data: st.DataObject) -> None:
    y = data.draw(st.lists(st.integers(0, 1), min_size=len(p), max_size=len(p)))
    m = murphy(p, y)
    assert m.reliability - m.resolution + m.uncertainty + m.within == pytest.approx(
        brier(p, y), abs=1e-12
    )


def test_auc_and_calibration_slope_on_known_cases() -> None:
    assert auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
    assert auc([0.5, 0.5], [0, 1]) == pytest.approx(0.5)
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, size=4000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    assert calibration_slope(p, y) == pytest.approx(1.0, abs=0.12)
    sharp = 1 / (1 + np.exp(-3 * logit(p)))  # overconfident: logits tripled
    assert calibration_slope(sharp, y) == pytest.approx(1 / 3, abs=0.06)
    assert math.isnan(calibration_slope([], []))  # no forecast scored: no slope, no traceback


def test_paired_bootstrap_is_seeded_and_paired() -> None:
    y = [0, 1, 1, 0, 1, 0, 1, 1]
    a = [0.2, 0.7, 0.6, 0.3, 0.8, 0.4, 0.6, 0.9]
    one = bootstrap_brier({"a": a, "b": a}, y, n_boot=300, seed=4)
    two = bootstrap_brier({"a": a, "b": a}, y, n_boot=300, seed=4)
    assert one == two
    assert one[1][("a", "b")] == (0.0, 0.0, 0.0)  # the same forecasts differ by exactly 0


def test_signals_replace_keeps_terms() -> None:
    s = synthetic(n=3)[2]
    assert dataclasses.replace(s, lens_p={}).terms == s.terms


# -- the reported stack: posterior-predictive, inner-LFO calibration, bound --------------


@pytest.mark.parametrize(("eta", "sd"), [(0.0, 1.0), (2.0, 1.0), (-3.0, 2.0), (4.0, 0.5)])
def test_the_predictive_probability_matches_the_logistic_normal_integral(
    eta: float, sd: float
) -> None:
    exact, _ = integrate.quad(
        lambda e: expit(e) * math.exp(-0.5 * ((e - eta) / sd) ** 2) / (sd * math.sqrt(2 * math.pi)),
        eta - 12 * sd,
        eta + 12 * sd,
    )
    assert expit(predictive_logit(eta, sd)) == pytest.approx(exact, abs=0.01)  # MacKay 1992
    assert predictive_logit(eta, 0.0) == eta
    assert abs(predictive_logit(eta, sd)) <= abs(eta)  # uncertainty moves it towards 0.5


def test_weak_signals_make_the_inner_lfo_shrink() -> None:
    """A face-validity check: when the outcome ignores every input, the inner log score prefers
    the tightest priors on the outside-view terms (centred on 0), and the recalibration flattens
    a noise lens whose weight the priors centre on the theory's 1."""
    rng = np.random.default_rng(11)
    base = synthetic(n=120, seed=3)
    noise = [dataclasses.replace(s, y=int(rng.uniform() < 0.4)) for s in base]
    flat = [dataclasses.replace(s, lens_p={"lens": (0.5,) * len(GRID)}) for s in noise]
    cal = choose_calibration(flat, ["lens"], min_train=30)
    assert cal.tau == min(PRIOR_SCALES)
    assert set(cal.inner_log) == set(PRIOR_SCALES)
    assert sum(cal.n_inner.values()) > 0
    lensed = choose_calibration(noise, ["lens"], min_train=30)
    assert all(0 <= b < 0.5 for _, b in lensed.recalibration.values())


def test_a_calibrated_forecast_is_additive_bounded_and_inside_its_interval() -> None:
    signals = synthetic(n=90, seed=4)
    train, test = signals[:60], signals[60:]
    sharp = Calibration(1.0, {"hand-coded": (0.3, 3.0), "generated": (-0.2, 0.5)})
    stack = fit_calibrated_stack(train, ["lens"], calibration=sharp)
    bounded = 0
    for s in test:
        f = stack.forecast(s)
        assert sum(v for _, v in f.contributions) == pytest.approx(f.logit, abs=1e-9)
        assert f.p == pytest.approx(expit(f.logit))
        assert f.low <= f.p <= f.high
        floor = stack.floor(s)
        n = sum(1 for t in train if (t.type, t.origin) == (s.type, s.origin))
        assert f.floor == floor == 0.5 / (n + 1)
        assert floor - 1e-12 <= f.p <= 1 - floor + 1e-12
        a, b = sharp.map(s.origin)
        assert f.p_predictive is not None and f.p_map is not None
        z = a + b * float(logit(f.p_predictive))
        if f.bounded:
            bounded += 1
            assert abs(z) > abs(f.logit)  # the bound only ever pulls towards 0.5
        else:
            assert f.logit == pytest.approx(z, abs=1e-9)
    assert bounded  # a slope of 3 pushes some forecasts past their floor


def test_the_lfo_reports_each_step_and_the_identity_map_without_history() -> None:
    signals = synthetic(n=70, seed=5)
    forecasts, _ = lfo_forecasts(signals, ["lens"], min_train=20)
    for f in forecasts:
        assert {STACK_MAP, STACK_PREDICTIVE, STACK} <= set(f.p)
        assert f.stack is not None and f.calibration is not None
        assert f.p[STACK] == f.stack.p and f.p[STACK_MAP] == f.stack.p_map
        # posterior uncertainty only moderates: predictive lies between MAP and 0.5
        assert abs(f.p[STACK_PREDICTIVE] - 0.5) <= abs(f.p[STACK_MAP] - 0.5) + 1e-12
    assert Calibration().map("hand-coded") == (0.0, 1.0)
