"""Monte Carlo over perturbed stakeholder tables: reproducibility, distributions, summaries."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tests.forecast.examples import EU

from detente.forecast.engine import run_model
from detente.forecast.montecarlo import (
    DRAW_BLOCK,
    MIN_KEPT,
    NO_NOISE,
    MonteCarloResult,
    Perturbation,
    perturb,
    run_monte_carlo,
)

# Scholz-faithful weighted median, rounds 0-10 (bargaining.md §3.1, from Scholz et al.'s code).
EU_MEDIAN = [7.0, 8.4159, 9.6109, 9.9620, 9.9620, 9.9620, 7.4720, 8.8246, 9.6711, 9.6711, 7.0]


def _mc(seed: int, runs: int = 300, **kw: object) -> MonteCarloResult:
    return run_monte_carlo(EU, "eum", runs, rng=np.random.default_rng(seed), **kw)  # type: ignore[arg-type]


def test_engine_adapter_reproduces_the_published_eum_trajectory() -> None:
    run = run_model("eum", EU.capability, EU.position, EU.salience, bounds=EU.bounds, rounds=10)
    assert run.outcome.shape == (1, 11, 1)
    assert run.positions.shape == (1, 11, 10, 1)
    np.testing.assert_allclose(run.outcome[0, :, 0], EU_MEDIAN, atol=1e-4)


def test_same_seed_is_bit_for_bit_identical() -> None:
    a, b = _mc(7), _mc(7)
    assert np.array_equal(a.trajectories, b.trajectories)
    assert np.array_equal(a.outcomes, b.outcomes)
    assert np.array_equal(a.kept, b.kept)


def test_different_seeds_differ() -> None:
    a, b = _mc(7), _mc(8)
    assert not np.array_equal(a.outcomes, b.outcomes)
    assert not np.array_equal(a.kept, b.kept)


def test_result_does_not_depend_on_chunk_size() -> None:
    runs = DRAW_BLOCK + 44  # two draw blocks
    whole = _mc(3, runs)
    for chunk in (1, 7, 100):
        part = _mc(3, runs, chunk_size=chunk)
        assert np.array_equal(whole.trajectories, part.trajectories), chunk
        assert np.array_equal(whole.kept, part.kept)


def test_smp_result_does_not_depend_on_chunk_size() -> None:
    whole = run_monte_carlo(EU, "smp", 40, rng=np.random.default_rng(5))
    part = run_monte_carlo(EU, "smp", 40, rng=np.random.default_rng(5), chunk_size=3)
    # The draws are identical; the SMP's sums over groups of tied positions may differ in the
    # last bit when the batch composition changes, hence the tolerance of 1e-12.
    assert np.array_equal(whole.kept, part.kept)
    np.testing.assert_allclose(whole.trajectories, part.trajectories, rtol=0, atol=1e-12)


def test_without_noise_every_replicate_equals_the_base_run() -> None:
    result = _mc(1, 20, perturbation=NO_NOISE)
    assert np.all(result.kept)
    np.testing.assert_array_equal(result.outcomes[:, 0], np.full(20, result.forecast[0]))
    np.testing.assert_allclose(result.trajectories[0, :, 0], EU_MEDIAN, atol=1e-4)


def test_perturbation_respects_bounds_and_keeps_three_actors() -> None:
    p = Perturbation(position_sd=5.0, salience_sd=0.5, capability_sigma=1.0, dropout=0.9)
    inputs = perturb(EU, p, 500, np.random.default_rng(0))
    assert inputs.position.shape == (500, 10, 1)
    assert inputs.position.min() >= 4.0 and inputs.position.max() <= 10.0
    assert inputs.salience.min() >= 0.0 and inputs.salience.max() <= 1.0
    assert np.all(inputs.capability > 0)
    assert inputs.kept.sum(axis=1).min() == MIN_KEPT
    # With p = 0.9 most replicates keep exactly the three protected actors.
    assert np.mean(inputs.kept.sum(axis=1) == MIN_KEPT) > 0.5


def test_dropout_rate_matches_its_probability() -> None:
    inputs = perturb(EU, Perturbation(dropout=0.1), 4000, np.random.default_rng(11))
    rate = 1.0 - inputs.kept.mean()
    # 40,000 Bernoulli(0.1) draws, minus the few protected ones: sd of the rate is 0.0015.
    assert 0.09 < rate < 0.105


def test_switching_off_one_noise_leaves_the_other_draws_unchanged() -> None:
    a = perturb(EU, Perturbation(salience_sd=0.05), 50, np.random.default_rng(2))
    b = perturb(EU, Perturbation(salience_sd=0.0), 50, np.random.default_rng(2))
    assert np.array_equal(a.position, b.position)
    assert np.array_equal(a.capability, b.capability)
    assert np.array_equal(a.kept, b.kept)
    assert np.array_equal(b.salience, np.broadcast_to(EU.salience, b.salience.shape))


def test_lognormal_capability_noise_is_median_preserving() -> None:
    p = Perturbation(position_sd=0.0, salience_sd=0.0, capability_sigma=0.5, dropout=0.0)
    inputs = perturb(EU, p, 4001, np.random.default_rng(4))
    ratio = inputs.capability / EU.capability
    assert abs(np.median(np.log(ratio)) - 0.0) < 0.03
    assert abs(np.std(np.log(ratio)) - 0.5) < 0.02


def test_invalid_perturbations_are_rejected() -> None:
    with pytest.raises(ValueError):
        Perturbation(dropout=1.0)
    with pytest.raises(ValueError):
        Perturbation(salience_sd=-0.1)
    with pytest.raises(ValueError):
        run_monte_carlo(EU, "eum", 0, rng=np.random.default_rng(0))


def test_summaries_of_a_real_run() -> None:
    result = _mc(9, 400)
    low, high = result.interval(0.9)
    inner_low, inner_high = result.interval(0.5)
    median = result.quantiles(0.5)
    assert low[0] <= inner_low[0] <= median[0] <= inner_high[0] <= high[0]
    counts, edges = result.histogram(bins=12)
    assert counts.sum() == 400 and edges[0] == 4.0 and edges[-1] == 10.0
    assert result.p_exceeds(3.9) == 1.0 and result.p_exceeds(10.0) == 0.0
    assert result.bands([0.05, 0.95]).shape == (2, 11, 1)


def _synthetic(outcomes: np.ndarray) -> MonteCarloResult:
    runs = outcomes.shape[0]
    base = run_model("eum", EU.capability, EU.position, EU.salience, bounds=EU.bounds, rounds=1)
    return MonteCarloResult(
        table=EU,
        model="eum",
        rounds=1,
        perturbation=Perturbation(),
        base=base,
        outcomes=outcomes[:, None],
        trajectories=np.repeat(outcomes[:, None, None], 2, axis=1),
        turns=np.ones(runs, dtype=np.int64),
        kept=np.ones((runs, 10), dtype=bool),
    )


@given(
    arrays(np.float64, st.integers(1, 60), elements=st.floats(4.0, 10.0)),
    st.floats(4.0, 10.0),
    st.floats(4.0, 10.0),
)
def test_summary_invariants(outcomes: np.ndarray, t1: float, t2: float) -> None:
    result = _synthetic(outcomes)
    qs = result.quantiles([0.05, 0.25, 0.5, 0.75, 0.95])[:, 0]
    assert np.all(np.diff(qs) >= 0)
    low, high = result.interval(0.9)
    assert outcomes.min() <= low[0] <= high[0] <= outcomes.max()
    lo_t, hi_t = min(t1, t2), max(t1, t2)
    assert result.p_exceeds(lo_t) >= result.p_exceeds(hi_t)
    assert result.p_exceeds(lo_t) == np.count_nonzero(outcomes > lo_t) / outcomes.size
    # At most half the outcomes lie strictly above the median.
    assert result.p_exceeds(float(np.median(outcomes))) <= 0.5
    assert result.histogram(bins=7)[0].sum() == outcomes.size


@pytest.mark.parametrize("model", ["eum", "smp"])
def test_a_dropped_actor_is_removed_not_zeroed(model: str) -> None:
    only_dropout = Perturbation(position_sd=0.0, salience_sd=0.0, capability_sigma=0.0, dropout=0.3)
    result = run_monte_carlo(EU, model, 12, only_dropout, rng=np.random.default_rng(6))  # type: ignore[arg-type]
    checked = 0
    for i in range(result.runs):
        dropped = [a for a, k in zip(EU.actors, result.kept[i], strict=True) if not k]
        if not dropped:
            continue
        reduced = EU.without(dropped)
        alone = run_model(
            model,
            reduced.capability,
            reduced.position,
            reduced.salience,  # type: ignore[arg-type]
            bounds=reduced.bounds,
            rounds=result.rounds,
        )
        steps = alone.length
        np.testing.assert_allclose(result.trajectories[i, :steps], alone.outcome[0], atol=1e-12)
        checked += 1
    assert checked >= 5
