"""The stack's lens and bargaining weights partially pooled by origin (hand-coded vs generated)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from scipy.special import expit

from detente.experiments.lfo import StackedEpisode, _weights_json
from detente.forecaster import (
    GRID,
    OFFSET_SD,
    REFERENCE_ORIGIN,
    EpisodeSignals,
    fit_calibrated_stack,
    fit_stack,
    with_prior_behaviour,
)
from detente.forecaster import _prior as prior

TERMS = {
    "status_quo": 1.0,
    "prior_behaviour": 0.0,
    "proposer_decides": 0.0,
    "veto_players": 0.0,
    "consensus_rule": 0.0,
    "pledged": 0.0,
}


def two_origins(n: int, seed: int) -> list[EpisodeSignals]:
    """Signals of two origins and two types: on the hand-coded episodes the outcome follows the
    lens logit (weight 1.5) and the bargaining signal (weight 1); on the generated ones both are
    pure noise. Types alternate independently of the origin, so a type offset cannot stand in
    for the origin's."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        origin = "hand-coded" if i % 2 else "generated"
        kind = ("basing", "membership")[(i // 2) % 2]
        z = rng.normal(0.0, 1.5, size=len(GRID))
        bz = float(rng.normal(0.0, 1.5))
        sq = 1.0 if rng.uniform() < 0.5 else -1.0
        tabled = 1.0 if origin == "hand-coded" else 0.0
        eta = 1.5 * z[0] + 1.0 * bz if origin == "hand-coded" else 0.0
        y = int(rng.uniform() < expit(eta + 0.3 * sq))
        out.append(
            EpisodeSignals(
                f"e{i:04d}",
                dt.date(1993, 1, 1) + dt.timedelta(days=3 * i),
                kind,
                origin,
                "AAA" if i % 3 else "BBB",
                y,
                {"lens": tuple(float(v) for v in expit(z))},
                {**TERMS, "status_quo": sq, "tabled": tabled, "tabled_status_quo": tabled * sq},
                {"lens": float(expit(bz))},
                target="ZZZ",
            )
        )
    return with_prior_behaviour(out)


def test_a_signal_informative_on_hand_coded_episodes_only_gets_an_origin_offset() -> None:
    signals = two_origins(800, seed=3)
    model = fit_stack(signals, ["lens"], bargain=["lens"], grid=[0])
    assert REFERENCE_ORIGIN == "generated" and model.offset_origins == ("hand-coded",)
    origin_columns = [c for c in model.columns if "|origin:" in c]
    assert origin_columns == ["lens:lens|origin:hand-coded", "bargain:lens|origin:hand-coded"]
    # the origin's weight is the common one + its offset; the reference's is the common one
    total = {
        o: {n: c + t + dict(model.origin_offsets(o))[n] for (n, c, t) in model.weights("basing")}
        for o in ("hand-coded", "generated")
    }
    assert all(v == 0.0 for _, v in model.origin_offsets("generated"))
    assert total["hand-coded"]["lens:lens"] == pytest.approx(1.5, abs=0.4)
    assert total["hand-coded"]["bargain:lens"] == pytest.approx(1.0, abs=0.4)
    assert abs(total["generated"]["lens:lens"]) < 0.3
    assert abs(total["generated"]["bargain:lens"]) < 0.3


def test_the_origin_offsets_are_named_inputs_of_an_exactly_additive_explanation() -> None:
    signals = two_origins(300, seed=5)
    stack = fit_calibrated_stack(signals[:-2], ["lens"], bargain=["lens"])
    for s in signals[-2:]:
        for f in (stack.model.forecast(s), stack.forecast(s)):
            names = dict(f.contributions)
            # only the episode's own origin's offset enters (the reference has none)
            has_offset = "lens:lens|origin:hand-coded" in names
            assert has_offset == (s.origin == "hand-coded")
            assert not any(n.endswith("|origin:generated") for n in names)
            assert sum(names.values()) == pytest.approx(f.logit, abs=1e-12)
            assert [n for n, _ in f.origin_offsets] == ["lens:lens", "bargain:lens"]


@pytest.mark.parametrize("origin", ["hand-coded", "generated"])
def test_with_one_origin_there_is_no_origin_offset_and_its_label_changes_nothing(
    origin: str,
) -> None:
    """One origin in training: no offset column, no origin entry in the weights, and forecasts
    bit for bit those of the same episodes under the other label (so the model is the stack
    without offsets by origin, which the by-type property test pins to its MAP)."""
    signals = [dataclasses.replace(s, origin=origin) for s in two_origins(160, seed=7)]
    other = "generated" if origin == "hand-coded" else "hand-coded"
    relabelled = [dataclasses.replace(s, origin=other) for s in signals]
    model = fit_stack(signals, ["lens"], bargain=["lens"], tau=0.5)
    twin = fit_stack(relabelled, ["lens"], bargain=["lens"], tau=0.5)
    assert model.offset_origins == () and not any("|origin:" in c for c in model.columns)
    assert model.columns == twin.columns and model.grid_index == twin.grid_index
    assert np.array_equal(model.coef, twin.coef) and np.array_equal(model.cov, twin.cov)
    probe = two_origins(6, seed=11)  # both origins at forecast time: still no offset
    for s in probe:
        f, g = model.forecast(s), twin.forecast(s)
        assert f.origin_offsets == () and f.logit == g.logit and f.sd == g.sd


def test_the_fit_is_the_map_of_the_rows_it_forecasts_with_under_both_poolings() -> None:
    """The vectorised design of the fit (lens columns inserted between fixed blocks) and the row
    of a forecast agree column for column when both types and origins carry offsets: the
    gradient of the log posterior built from the forecast rows vanishes at the fitted weights."""
    signals = two_origins(240, seed=8)
    model = fit_stack(signals, ["lens"], bargain=["lens"], tau=0.5)
    assert model.offset_types == ("basing", "membership")
    assert model.offset_origins == ("hand-coded",)
    x = np.array([model.row(s) for s in signals])
    y = np.array([s.y for s in signals], dtype=np.float64)
    mean, sd = prior(
        ["lens"], model.types, True, ["lens"], 0.5, model.offset_types, model.offset_origins
    )
    assert len(mean) == len(model.columns) and sd[-1] == sd[-2] == 0.5 * OFFSET_SD
    grad = x.T @ (y - expit(x @ model.coef)) - (model.coef - mean) / sd**2
    assert np.max(np.abs(grad)) < 1e-6
    # each origin-offset column is the lens (bargaining) input on hand-coded rows, 0 elsewhere
    j = model.columns.index("lens:lens|origin:hand-coded")
    k = model.columns.index("lens:lens")
    hand = np.array([s.origin == "hand-coded" for s in signals])
    assert np.array_equal(x[hand, j], x[hand, k]) and not np.any(x[~hand, j])


def test_the_json_and_explain_add_the_origin_offset_to_the_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from detente.cli.explain import print_stacked

    signals = two_origins(120, seed=6)
    mine = next(s for s in reversed(signals) if s.origin == "hand-coded")
    train = [s for s in signals if s.date < mine.date]
    stack = fit_calibrated_stack(train, ["lens"], bargain=["lens"])
    f = stack.forecast(mine)
    data = _weights_json(f, mine.type, mine.origin)
    assert data["type"] == mine.type and data["origin"] == "hand-coded"
    entry = data["lens:lens"]
    assert entry["origin_offset"] != 0.0
    assert entry["total"] == pytest.approx(
        entry["common"] + entry["offset"] + entry["origin_offset"], abs=1e-12
    )
    shown = StackedEpisode(
        mine.episode,
        mine.date,
        {"lens": 0.5},
        f,
        len(train),
        stack.model,
        None,
        mine,
        stack.calibration,
    )
    print_stacked(shown)
    out = " ".join(capsys.readouterr().out.split())
    assert f"weights for {mine.type}, hand-coded (common + type offset + origin offset)" in out
