"""Golden tests: the published worked examples of the similarity measures and CINC.

Signorino and Ritter (1999) examples, as re-run in phenrickson's R port of their GAUSS code
(``allies/05_hage.R``): weighted alliance example 0.33, hypothetical UN votes 0.75, the page-133
portfolios -0.33 / 0.33 / 0.33 / 1. Häge (2011) examples: the binary portfolios of p. 291 and the
2x2 proportion tables of pp. 296-297 (as typed in the same port); their expected values are
computed by hand below from the definitions (p_o, p_e), not copied from software.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.measures import cohen_kappa, kendall_tau_b, s_score, scott_pi
from detente.measures.similarity import from_table


@pytest.mark.parametrize(
    ("x", "y", "delta", "weights", "expected"),
    [
        ([3, 3, 2, 2], [2, 2, 3, 3], 3, [0.5, 0.3, 0.1, 0.1], 1 / 3),  # SR weighted alliances
        ([3, 3, 1, 2], [3, 3, 1, 3], 2, None, 0.75),  # SR hypothetical UN votes
        ([0, 1, 2, 3], [3, 2, 1, 0], 3, None, -1 / 3),  # SR p. 133 (a)
        ([1, 2, 2, 3], [3, 2, 2, 1], 3, None, 1 / 3),  # (b)
        ([2, 2, 3, 3], [3, 3, 2, 2], 3, None, 1 / 3),  # (c)
        ([3, 3, 3, 3], [3, 3, 3, 3], 3, None, 1.0),  # (d)
    ],
)
def test_signorino_ritter_examples(x, y, delta, weights, expected) -> None:
    assert s_score(x, y, max_distance=delta, weights=weights) == pytest.approx(expected)
    assert round(s_score(x, y, max_distance=delta, weights=weights), 2) == round(expected, 2)


def test_weighted_s_differs_from_unweighted_when_distances_differ() -> None:
    # entry 1 disagrees by 3, the others agree: weight 0.5 on it makes S fall from 0.5 to 0
    x, y = [3, 3, 3, 3], [0, 3, 3, 3]
    assert s_score(x, y, max_distance=3) == pytest.approx(0.5)
    assert s_score(x, y, max_distance=3, weights=[0.5, 0.3, 0.1, 0.1]) == pytest.approx(0.0)


def test_combined_dimensions_mean() -> None:
    # SR's two-dimension example: alliances (weights .5 .4 .05 .05; distances 1 1 3 3) give
    # 1 - 2 * (.5 + .4 + .15 + .15) / 3 = 0.2; UN votes 0.75; the combined S is their mean 0.475
    alliances = s_score([3, 2, 3, 0], [2, 3, 0, 3], max_distance=3, weights=[0.5, 0.4, 0.05, 0.05])
    votes = s_score([3, 3, 1, 2], [3, 3, 1, 3], max_distance=2)
    assert alliances == pytest.approx(0.2)
    assert (alliances + votes) / 2 == pytest.approx(0.475)


def test_squared_distance_s() -> None:
    # 1 - 2 * sum (x-y)^2 / (N * delta^2) = 1 - 2 * (9 + 1 + 1 + 9) / (4 * 9)
    assert s_score([0, 1, 2, 3], [3, 2, 1, 0], max_distance=3, distance="squared") == (
        pytest.approx(1 - 40 / 36)
    )


def test_tau_b_with_ties_by_hand() -> None:
    # x = 3 3 0 0 1, y = 3 1 0 1 0. Of the 10 pairs of entries: concordant (0,2) (0,3) (0,4)
    # (1,2) (1,4) = 5; discordant (3,4) = 1; tied in x (0,1) (2,3): n1 = 2; tied in y (1,3)
    # (2,4): n2 = 2. tau_b = (5 - 1) / sqrt((10 - 2) (10 - 2)) = 0.5
    assert kendall_tau_b([3, 3, 0, 0, 1], [3, 1, 0, 1, 0]) == pytest.approx(0.5)


def test_tau_b_undefined_for_a_constant_portfolio() -> None:
    assert math.isnan(kendall_tau_b([1, 1, 1], [0, 1, 2]))


def test_hage_binary_portfolios_p291() -> None:
    x = [1, 0, 0, 1, 0, 0, 1, 0, 0, 0]
    y = [0, 1, 1, 0, 0, 0, 1, 1, 0, 0]
    # 5 of 10 entries agree: p_o = 0.5, S = 1 - 2 * 0.5 = 0
    assert s_score(x, y, max_distance=1) == pytest.approx(0.0)
    # marginals p_x(1) = 0.3, p_y(1) = 0.4: p_e = .3*.4 + .7*.6 = 0.54
    assert cohen_kappa(x, y) == pytest.approx((0.5 - 0.54) / (1 - 0.54))
    # pooled p(1) = 0.35: p_e = .35^2 + .65^2 = 0.545
    assert scott_pi(x, y) == pytest.approx((0.5 - 0.545) / (1 - 0.545))


@pytest.mark.parametrize(
    ("table", "s", "kappa", "pi"),
    [
        # p. 296: symmetric marginals .5/.5, p_o = .6, p_e = .5 for both
        ([[0.3, 0.2], [0.2, 0.3]], 0.2, 0.2, 0.2),
        # p. 297: marginals .8/.2 each; p_e = .68: kappa = pi = (.6 - .68) / .32 = -0.25 while
        # S stays at 0.2 (Häge's point: S credits agreement on the common zero)
        ([[0.6, 0.2], [0.2, 0.0]], 0.2, -0.25, -0.25),
        # p. 297: marginals .7/.3 and .3/.7: kappa p_e = .42, pi p_e = .5
        ([[0.3, 0.4], [0.0, 0.3]], 0.2, (0.6 - 0.42) / 0.58, 0.2),
    ],
)
def test_hage_tables(table, s, kappa, pi) -> None:
    assert float(from_table(table, "s", max_distance=1)) == pytest.approx(s)
    assert float(from_table(table, "kappa")) == pytest.approx(kappa)
    assert float(from_table(table, "pi")) == pytest.approx(pi)


def test_squared_metric_kappa_is_hages_closed_form() -> None:
    x = np.array([0, 1, 2, 3, 3, 0], dtype=float)
    y = np.array([0, 1, 2, 3, 2, 1], dtype=float)
    expected = 1 - ((x - y) ** 2).sum() / (
        ((x - x.mean()) ** 2).sum()
        + ((y - y.mean()) ** 2).sum()
        + x.size * (x.mean() - y.mean()) ** 2
    )
    assert cohen_kappa(x, y, metric="squared") == pytest.approx(expected)
