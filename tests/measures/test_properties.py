"""Invariants of the similarity measures, and agreement of the vectorised and pairwise forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import kendalltau

from detente.measures import cohen_kappa, kendall_tau_b, pairwise, s_score, scott_pi
from detente.measures.portfolio import atop_level, code_portfolio
from detente.measures.system import system_mask


@settings(max_examples=20)
@given(arrays(np.int8, (4, 9), elements=st.integers(0, 3)))
def test_pairwise_matches_the_two_vector_functions(x) -> None:
    tau = pairwise(x, "tau_b", n_categories=4)
    s = pairwise(x, "s", n_categories=4)
    kappa = pairwise(x, "kappa", n_categories=4)
    pi = pairwise(x, "pi", n_categories=4)
    for i in range(x.shape[0]):
        for j in range(x.shape[0]):
            a, b = x[i], x[j]
            np.testing.assert_allclose(tau[i, j], kendall_tau_b(a, b), equal_nan=True)
            np.testing.assert_allclose(s[i, j], s_score(a, b, max_distance=3))
            # the two-vector forms use only the categories observed in the pair: same values
            np.testing.assert_allclose(kappa[i, j], cohen_kappa(a, b), equal_nan=True, atol=1e-12)
            np.testing.assert_allclose(pi[i, j], scott_pi(a, b), equal_nan=True, atol=1e-12)


@given(
    arrays(np.int8, 12, elements=st.integers(0, 3)), arrays(np.int8, 12, elements=st.integers(0, 3))
)
def test_tau_b_equals_scipy(x, y) -> None:
    expected = kendalltau(x, y).statistic
    np.testing.assert_allclose(kendall_tau_b(x, y), expected, equal_nan=True, atol=1e-12)


@given(arrays(np.int8, (4, 10), elements=st.integers(0, 3)))
def test_symmetric_and_bounded(x) -> None:
    for measure in ("tau_b", "s", "kappa", "pi"):
        m = pairwise(x, measure, n_categories=4)
        np.testing.assert_allclose(m, m.T, equal_nan=True, atol=1e-12)
        finite = m[~np.isnan(m)]
        assert np.all(finite >= -1 - 1e-12) and np.all(finite <= 1 + 1e-12)
    np.testing.assert_allclose(np.diag(pairwise(x, "s", n_categories=4)), 1.0)


@given(
    arrays(np.int8, (4, 8), elements=st.integers(0, 3)),
    st.floats(0.01, 100.0),
)
def test_equal_weights_give_unweighted_s(x, w) -> None:
    weighted = pairwise(x, "s", n_categories=4, weights=np.full(8, w))
    np.testing.assert_allclose(weighted, pairwise(x, "s", n_categories=4))


def test_nan_weights_leave_entries_out() -> None:
    x = np.array([[3, 0, 1, 2], [3, 3, 1, 0]])
    w = np.array([0.5, np.nan, 0.25, 0.25])
    expected = s_score(x[0, [0, 2, 3]], x[1, [0, 2, 3]], max_distance=3, weights=w[[0, 2, 3]])
    assert pairwise(x, "s", n_categories=4, weights=w)[0, 1] == pytest.approx(expected)


def test_tau_b_refuses_weights() -> None:
    with pytest.raises(ValueError, match="rank correlation"):
        pairwise(np.zeros((2, 3), dtype=int), "tau_b", n_categories=4, weights=np.ones(3))


def test_entries_outside_the_coding_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"0\.\.1"):
        pairwise(np.array([[0, 2], [1, 0]]), "kappa", n_categories=2)


def test_columns_restrict_the_system() -> None:
    x = np.array([[3, 0, 0, 3], [0, 3, 0, 3]])
    full = pairwise(x, "s", n_categories=4)[0, 1]
    part = pairwise(x, "s", n_categories=4, columns=[2, 3])[0, 1]
    assert full == pytest.approx(1 - 2 * 6 / 12)
    assert part == pytest.approx(1.0)


def test_atop_levels_and_codings() -> None:
    level = atop_level([0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [1, 0, 0, 1, 0], [0] * 5)
    assert level.tolist() == [1, 3, 3, 2, 0]
    assert code_portfolio(level, "any").tolist() == [1, 1, 1, 1, 0]
    assert code_portfolio(level, "defence").tolist() == [0, 1, 1, 0, 0]
    assert code_portfolio(level, "valued").tolist() == level.tolist()
    with pytest.raises(ValueError, match="unknown coding"):
        code_portfolio(level, "binary")  # type: ignore[arg-type]


def test_system_mask_regions_and_ids() -> None:
    ids = ["USA", "RUS", "KAZ", "TUR"]
    cow = [2, 365, 705, 640]
    assert system_mask(ids, cow).tolist() == [True] * 4
    assert system_mask(ids, cow, ["europe", "asia"]).tolist() == [False, True, True, False]
    assert system_mask(ids, cow, ["europe", "USA"]).tolist() == [True, True, False, False]
    with pytest.raises(ValueError, match="unknown system member"):
        system_mask(ids, cow, ["atlantis"])


@settings(max_examples=20)
@given(
    arrays(np.int8, (4, 7), elements=st.integers(0, 3)),
    arrays(np.float64, 7, elements=st.floats(0.01, 1.0)),
)
def test_weighted_and_squared_direct_forms_match_the_tables(x, w) -> None:
    s_w = pairwise(x, "s", n_categories=4, weights=w)
    s_sq = pairwise(x, "s", n_categories=4, distance="squared")
    kappa_w = pairwise(x, "kappa", n_categories=4, weights=w)
    pi_w = pairwise(x, "pi", n_categories=4, weights=w)
    for i in range(4):
        for j in range(4):
            a, b = x[i], x[j]
            np.testing.assert_allclose(s_w[i, j], s_score(a, b, max_distance=3, weights=w))
            np.testing.assert_allclose(
                s_sq[i, j], s_score(a, b, max_distance=3, distance="squared"), atol=1e-12
            )
            np.testing.assert_allclose(
                kappa_w[i, j], cohen_kappa(a, b, weights=w), equal_nan=True, atol=1e-9
            )
            np.testing.assert_allclose(
                pi_w[i, j], scott_pi(a, b, weights=w), equal_nan=True, atol=1e-9
            )
