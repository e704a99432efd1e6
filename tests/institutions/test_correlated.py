"""Correlated members (one-factor Gaussian copula), the leader-follower rule and the agenda term."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate
from scipy.stats import norm

from detente.institutions.rules import (
    MAX_RHO,
    RULES,
    agenda,
    conditional_probabilities,
    consensus,
    leader_follower,
    simple_majority,
    threshold_probability,
)

probs = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6)


def by_adaptive_quadrature(p: list[float], rho: float, threshold: int) -> float:
    """E_Z[P(yes-count >= threshold | Z)] by scipy's adaptive quadrature (the reference)."""

    def integrand(z: float) -> float:
        pz = conditional_probabilities(p, rho, [z])[0]
        return float(threshold_probability(pz, threshold)) * norm.pdf(z)

    value, _ = integrate.quad(integrand, -10, 10, limit=200, points=[0.0])
    return value


@given(probs)
def test_rho_zero_is_the_independent_rule(p: list[float]) -> None:
    for name, rule in RULES.items():
        assert rule(p, rho=0.0) == rule(p), name


@pytest.mark.parametrize(
    ("p", "rho"),
    [
        ([0.9] * 6, 0.5),
        ([0.2, 0.95, 0.6, 0.99, 0.7], 0.8),
        ([0.5, 0.01, 1.0], 0.3),
        ([0.97, 0.9, 0.8, 0.999], MAX_RHO),
    ],
)
def test_quadrature_matches_adaptive_integration(p: list[float], rho: float) -> None:
    n = len(p)
    assert RULES["consensus"](p, rho=rho) == pytest.approx(
        by_adaptive_quadrature(p, rho, n), abs=2e-6
    )
    assert RULES["simple-majority"](p, rho=rho) == pytest.approx(
        by_adaptive_quadrature(p, rho, n // 2 + 1), abs=2e-6
    )


def test_marginals_are_kept() -> None:
    # A body of one member accepts with its own probability whatever the correlation.
    for rho in (0.0, 0.4, MAX_RHO):
        assert RULES["consensus"]([0.3], rho=rho) == pytest.approx(0.3, abs=1e-6)


def test_correlation_keeps_a_large_consensus_away_from_zero() -> None:
    p = np.full(30, 0.9)
    values = [float(RULES["consensus"](p, rho=r)) for r in (0.0, 0.3, 0.6, 0.9)]
    assert values[0] == pytest.approx(0.9**30)
    assert values == sorted(values)  # more correlation, closer to the single-member 0.9
    assert values[-1] < 0.9


def test_batches_are_vectorised() -> None:
    rng = np.random.default_rng(1)
    p = rng.uniform(size=(4, 3, 7))
    out = RULES["qualified-majority"](p, rho=0.5, quota=0.6)
    assert out.shape == (4, 3)
    assert out[2, 1] == pytest.approx(
        float(RULES["qualified-majority"](p[2, 1], rho=0.5, quota=0.6))
    )


def test_bad_rho_is_refused() -> None:
    with pytest.raises(ValueError, match="rho"):
        consensus_rule = RULES["consensus"]
        consensus_rule([0.5, 0.5], rho=1.0)


@given(probs, st.floats(0.0, 1.0))
def test_leader_follower_limits(p: list[float], follow: float) -> None:
    assert leader_follower(p, 0, 0.0) == pytest.approx(float(consensus(p)), abs=1e-12)
    assert leader_follower(p, 0, 1.0) == pytest.approx(p[0], abs=1e-12)
    # Following a leader can only help under consensus when the leader says yes more often than
    # the followers would on their own; in general the result is a probability.
    assert 0.0 <= float(leader_follower(p, 0, follow, "simple-majority")) <= 1.0


def test_leader_follower_by_enumeration() -> None:
    p, follow = [0.8, 0.3, 0.6], 0.5
    # Leader yes: followers yes with 0.5 + 0.5 p; leader no: a consensus fails.
    expected = 0.8 * (0.5 + 0.5 * 0.3) * (0.5 + 0.5 * 0.6)
    assert leader_follower(p, 0, follow) == pytest.approx(expected)
    # Majority of three: leader no, both followers must say yes on their own.
    maj = 0.8 * (1 - (1 - 0.65) * (1 - 0.8)) + 0.2 * (0.15 * 0.3)
    assert leader_follower(p, 0, follow, "simple-majority") == pytest.approx(maj)
    assert float(simple_majority(p)) != pytest.approx(maj)


def test_agenda_term() -> None:
    assert agenda(0.8, 0.5) == pytest.approx(0.4)
    assert math.isclose(float(agenda(0.8, 1.0)), 0.8)
    with pytest.raises(ValueError):
        agenda(0.5, 1.5)
