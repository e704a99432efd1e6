"""Sensitivity analysis: factor ranges, reproducibility, and finding the dominant actor."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.forecast.sensitivity import analyse_sensitivity, apply_factors, factors
from detente.forecast.table import StakeholderTable

# A constructed table on a 0-100 scale: KING carries most of the weight (capability 20, salience
# 0.9), so the weighted median (EUM) and the expected outcome (SMP) follow KING's position; the
# others are weak and spread out.
DOMINANT = StakeholderTable(
    name="dominant",
    actors=("A", "B", "KING", "C", "D"),
    capability=np.array([1.0, 1.5, 20.0, 1.0, 2.0]),
    position=np.array([[10.0], [30.0], [55.0], [75.0], [95.0]]),
    salience=np.array([[0.5], [0.4], [0.9], [0.6], [0.3]]),
    dimensions=("issue",),
    bounds=np.array([[0.0, 100.0]]),
)


def test_factor_ranges_are_stated_and_cut_to_the_scale() -> None:
    facs = {f.name: f for f in factors(DOMINANT)}
    assert len(facs) == 5 * 3
    assert (facs["A.position"].low, facs["A.position"].high) == (0.0, 20.0)
    assert (facs["D.position"].low, facs["D.position"].high) == (85.0, 100.0)
    assert facs["KING.salience"].high == 1.0
    assert facs["KING.capability"].low == pytest.approx(-math.log(2.0))
    assert facs["KING.capability"].high == pytest.approx(math.log(2.0))


def test_apply_factors_sets_the_right_cells() -> None:
    facs = factors(DOMINANT)
    x = np.array([[f.high for f in facs]])
    cap, pos, sal = apply_factors(DOMINANT, facs, x)
    assert pos[0, 2, 0] == 65.0 and sal[0, 0, 0] == pytest.approx(0.7)
    assert cap[0, 2] == pytest.approx(40.0)


@pytest.mark.parametrize(
    ("model", "method"), [("eum", "morris"), ("eum", "sobol"), ("smp", "morris")]
)
def test_sensitivity_finds_the_dominant_actor(model: str, method: str) -> None:
    result = analyse_sensitivity(
        DOMINANT,
        model,
        method=method,
        samples=8 if method == "morris" else 32,  # type: ignore[arg-type]
        rounds=5 if model == "eum" else 20,
        rng=np.random.default_rng(0),
    )
    top = result.most_influential(1)[0]
    assert top.factor == "KING.position"
    assert result.by_actor()[0][0] == "KING"
    influences = [r.influence for r in result.rows]
    assert influences == sorted(influences, reverse=True)
    assert all(r.confidence >= 0 for r in result.rows)
    if method == "sobol":
        assert top.st is not None and top.st > 0.5
        assert top.s1 is not None and top.mu_star is None
    else:
        assert top.mu_star is not None and top.sigma is not None and top.st is None


def test_sensitivity_is_reproducible_and_seed_dependent() -> None:
    # A balanced table (no actor decides alone), so different samples give different indices.
    balanced = StakeholderTable(
        name="balanced",
        actors=("A", "B", "C", "D"),
        capability=np.array([1.0, 1.2, 0.9, 1.1]),
        position=np.array([[10.0], [40.0], [60.0], [90.0]]),
        salience=np.array([[0.5], [0.6], [0.7], [0.4]]),
        dimensions=("issue",),
        bounds=np.array([[0.0, 100.0]]),
    )

    def run(seed: int) -> list[dict[str, object]]:
        res = analyse_sensitivity(
            balanced, "eum", samples=6, rounds=3, rng=np.random.default_rng(seed)
        )
        return res.to_records()

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_an_unmoving_forecast_has_zero_sobol_indices() -> None:
    # Everybody at one position: whatever the inputs do, the forecast stays there.
    flat = StakeholderTable(
        name="flat",
        actors=("A", "B", "C"),
        capability=np.ones(3),
        position=np.full((3, 1), 40.0),
        salience=np.full((3, 1), 0.5),
        dimensions=("issue",),
        bounds=np.array([[0.0, 100.0]]),
    )
    facs = [f for f in factors(flat) if f.input != "position"]
    res = analyse_sensitivity(
        flat,
        "eum",
        method="sobol",
        samples=8,
        rounds=2,
        rng=np.random.default_rng(0),
        factor_list=facs,
    )
    assert all(r.influence == 0.0 for r in res.rows)


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown sensitivity method"):
        analyse_sensitivity(DOMINANT, "eum", method="fast", rng=np.random.default_rng(0))  # type: ignore[arg-type]
