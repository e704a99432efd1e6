"""Decision rules against brute-force enumeration of every yes-set."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import UnknownIdError
from detente.institutions.rules import (
    RULES,
    consensus,
    get_rule,
    joint,
    qualified_majority,
    simple_majority,
    weighted_majority,
    yes_weight_distribution,
)


def brute_force(p: list[float], weights: list[int], threshold: float) -> float:
    """P(sum of the weights of the yes-set >= threshold), summing over all 2**n yes-sets."""
    total = 0.0
    for votes in itertools.product((0, 1), repeat=len(p)):
        prob = math.prod(pi if v else 1 - pi for pi, v in zip(p, votes, strict=True))
        if sum(w * v for w, v in zip(weights, votes, strict=True)) >= threshold:
            total += prob
    return total


probs = st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=7)


@given(probs)
def test_consensus_is_the_product(p: list[float]) -> None:
    assert consensus(p) == pytest.approx(math.prod(p), abs=1e-15)
    assert consensus(p) == pytest.approx(brute_force(p, [1] * len(p), len(p)), abs=1e-12)


@given(probs)
def test_simple_majority_matches_enumeration(p: list[float]) -> None:
    expected = brute_force(p, [1] * len(p), len(p) / 2 + 0.5)  # strictly more than half
    assert simple_majority(p) == pytest.approx(expected, abs=1e-12)


@given(probs, st.floats(0.01, 1.0))
def test_qualified_majority_matches_enumeration(p: list[float], quota: float) -> None:
    expected = brute_force(p, [1] * len(p), quota * len(p) - 1e-9)
    assert qualified_majority(p, quota) == pytest.approx(expected, abs=1e-12)


@given(
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 9)), min_size=1, max_size=7).filter(
        lambda xs: sum(w for _, w in xs) > 0
    ),
    st.one_of(st.none(), st.floats(0.05, 1.0)),
)
def test_weighted_majority_matches_enumeration(
    members: list[tuple[float, int]], quota: float | None
) -> None:
    p = [x for x, _ in members]
    w = [x for _, x in members]
    total = sum(w)
    threshold = total / 2 + 0.5 if quota is None else quota * total - 1e-9
    assert weighted_majority(p, w, quota) == pytest.approx(brute_force(p, w, threshold), abs=1e-12)


def test_two_thirds_of_three_needs_two() -> None:
    # ceil(2/3 * 3) = 2 despite 2/3 * 3 = 2.0000000000000004 in floating point.
    assert qualified_majority([1.0, 1.0, 0.0], 2 / 3) == pytest.approx(1.0)


def test_distribution_sums_to_one_and_batches() -> None:
    rng = np.random.default_rng(1)
    p = rng.random((4, 3, 6))
    dist = yes_weight_distribution(p, [1, 2, 3, 1, 0, 5])
    assert dist.shape == (4, 3, 13)
    np.testing.assert_allclose(dist.sum(axis=-1), 1.0)
    batched = simple_majority(p)
    assert batched.shape == (4, 3)
    assert batched[2, 1] == pytest.approx(float(simple_majority(p[2, 1])))


def test_simple_majority_known_value() -> None:
    # Three members at 1/2: P(at least 2 of 3) = 4/8.
    assert simple_majority([0.5, 0.5, 0.5]) == pytest.approx(0.5)
    # Four members: a tie (2 of 4) is not a majority; P(3 or 4 of 4) = 5/16.
    assert simple_majority([0.5] * 4) == pytest.approx(5 / 16)


def test_joint_needs_both_sides() -> None:
    assert joint(0.5, 0.4) == pytest.approx(0.2)
    np.testing.assert_allclose(joint([0.5, 1.0], 0.4, [1.0, 0.5]), [0.2, 0.2])
    with pytest.raises(ValueError):
        joint()
    with pytest.raises(ValueError):
        joint(0.5, 1.5)


def test_registry_names_match_the_world_records() -> None:
    from typing import get_args

    from detente.world.records import DecisionRule

    assert set(RULES) == set(get_args(DecisionRule))
    p = [0.9, 0.8, 0.3]
    assert RULES["consensus"](p, quota=0.9) == pytest.approx(0.9 * 0.8 * 0.3)
    assert RULES["qualified-majority"](p) == pytest.approx(qualified_majority(p, 2 / 3))
    assert RULES["weighted-majority"](p, weights=[5, 1, 1], quota=0.7) == pytest.approx(
        weighted_majority(p, [5, 1, 1], 0.7)
    )
    with pytest.raises(UnknownIdError, match="consensus"):
        get_rule("unanimity")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: consensus([]), "at least one member"),
        (lambda: consensus(0.5), "at least one axis"),
        (lambda: consensus([0.5, 1.2]), r"\[0, 1\]"),
        (lambda: qualified_majority([0.5], 1.5), "quota"),
        (lambda: weighted_majority([0.5, 0.5], [1.5, 1]), "integers"),
        (lambda: weighted_majority([0.5, 0.5], [1]), "shape"),
        (lambda: weighted_majority([0.5, 0.5], [0, 0]), "positive"),
    ],
)
def test_bad_input(call: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()  # type: ignore[operator]
