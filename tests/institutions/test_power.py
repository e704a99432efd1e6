"""Voting power: golden values from the literature, brute force, and invariants."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.institutions.power import banzhaf, shapley_shubik, veto_players

# EEC Council of Ministers 1958-1972: France, Germany, Italy 4 votes; Belgium, Netherlands 2;
# Luxembourg 1; quota 12 of 17. Felsenthal & Machover (1998), The Measurement of Voting Power,
# §2.3 / Table on the EEC: Shapley-Shubik 14/60 (each big three), 9/60 (BE, NL), 0 (LU);
# Banzhaf swings 10, 10, 10, 6, 6, 0 (normalised 5/21 and 3/21; Luxembourg a dummy).
EEC_WEIGHTS = [4, 4, 4, 2, 2, 1]
EEC_QUOTA = 12

# UN Security Council since 1965: 5 permanent members and 10 others; a resolution needs 9 votes
# including all 5 permanent ones, i.e. [39; 7,7,7,7,7, 1 x 10]. Felsenthal & Machover (1998):
# Shapley-Shubik 0.1963 (permanent) and 0.00186 (non-permanent); Banzhaf swings 848 and 84,
# normalised 0.1669 and 0.0165.
UNSC_WEIGHTS = [7] * 5 + [1] * 10
UNSC_QUOTA = 39

# UN Security Council 1945-1965 (11 members, 7 votes incl. the 5 permanent) as [27; 5 x 5, 1 x 6]:
# Shapley & Shubik (1954, APSR 48:787) give 76/385 to each permanent member and 1/462 to each other.
UNSC54_WEIGHTS = [5] * 5 + [1] * 6
UNSC54_QUOTA = 27


def test_eec_1958_shapley_shubik() -> None:
    np.testing.assert_allclose(
        shapley_shubik(EEC_WEIGHTS, EEC_QUOTA), np.array([14, 14, 14, 9, 9, 0]) / 60, atol=1e-12
    )


def test_eec_1958_banzhaf() -> None:
    np.testing.assert_allclose(
        banzhaf(EEC_WEIGHTS, EEC_QUOTA), np.array([5, 5, 5, 3, 3, 0]) / 21, atol=1e-12
    )
    np.testing.assert_allclose(
        banzhaf(EEC_WEIGHTS, EEC_QUOTA, normalised=False),
        np.array([10, 10, 10, 6, 6, 0]) / 2**5,
        atol=1e-12,
    )


def test_un_security_council() -> None:
    ss = shapley_shubik(UNSC_WEIGHTS, UNSC_QUOTA)
    assert ss[0] == pytest.approx(0.1963, abs=5e-5)
    assert ss[5] == pytest.approx(0.00186, abs=5e-6)
    bz = banzhaf(UNSC_WEIGHTS, UNSC_QUOTA, normalised=False) * 2**14
    np.testing.assert_allclose(bz, [848] * 5 + [84] * 10)
    nb = banzhaf(UNSC_WEIGHTS, UNSC_QUOTA)
    assert nb[0] == pytest.approx(0.1669, abs=5e-5)
    assert nb[5] == pytest.approx(0.0165, abs=5e-5)
    assert veto_players(UNSC_WEIGHTS, UNSC_QUOTA).tolist() == [True] * 5 + [False] * 10


def test_un_security_council_1954() -> None:
    ss = shapley_shubik(UNSC54_WEIGHTS, UNSC54_QUOTA)
    np.testing.assert_allclose(ss, [76 / 385] * 5 + [1 / 462] * 6, atol=1e-12)


def brute_banzhaf(w: list[int], q: int) -> np.ndarray:
    n = len(w)
    eta = np.zeros(n)
    for votes in itertools.product((0, 1), repeat=n):
        weight = sum(wi * v for wi, v in zip(w, votes, strict=True))
        for i in range(n):
            if votes[i] and q <= weight < q + w[i]:
                eta[i] += 1
    return eta


def brute_shapley(w: list[int], q: int) -> np.ndarray:
    n = len(w)
    phi = np.zeros(n)
    for order in itertools.permutations(range(n)):
        acc = 0
        for i in order:
            acc += w[i]
            if acc >= q:
                phi[i] += 1
                break
    return phi / math.factorial(n)


games = (
    st.lists(st.integers(0, 6), min_size=1, max_size=6)
    .filter(lambda w: sum(w) > 0)
    .flatmap(lambda w: st.tuples(st.just(w), st.integers(1, sum(w))))
)


@given(games)
def test_match_brute_force(game: tuple[list[int], int]) -> None:
    w, q = game
    np.testing.assert_allclose(shapley_shubik(w, q), brute_shapley(w, q), atol=1e-12)
    eta = brute_banzhaf(w, q)
    np.testing.assert_allclose(banzhaf(w, q, normalised=False), eta / 2 ** (len(w) - 1))


@given(games)
def test_invariants(game: tuple[list[int], int]) -> None:
    w, q = game
    ss, bz = shapley_shubik(w, q), banzhaf(w, q)
    assert ss.sum() == pytest.approx(1.0)
    assert bz.sum() == pytest.approx(1.0)
    for i, j in itertools.combinations(range(len(w)), 2):
        if w[i] == w[j]:  # symmetric players
            assert ss[i] == pytest.approx(ss[j]) and bz[i] == pytest.approx(bz[j])
        if w[i] >= w[j]:  # more votes never mean less power
            assert ss[i] >= ss[j] - 1e-12 and bz[i] >= bz[j] - 1e-12
    for i, wi in enumerate(w):
        if wi == 0:  # a player without votes is a null player
            assert ss[i] == 0 and bz[i] == 0


@given(st.lists(st.integers(1, 9), min_size=1, max_size=8))
def test_unanimity_makes_everyone_a_veto_player(w: list[int]) -> None:
    assert veto_players(w, sum(w)).all()
    # ... and, with every player pivotal only as the last one, equal power for all.
    np.testing.assert_allclose(shapley_shubik(w, sum(w)), 1 / len(w))
    np.testing.assert_allclose(banzhaf(w, sum(w)), 1 / len(w))


def test_fifty_players_are_exact_and_sum_to_one() -> None:
    w = np.random.default_rng(0).integers(1, 40, 50)
    q = int(w.sum() * 0.6)
    assert shapley_shubik(w, q).sum() == pytest.approx(1.0, abs=1e-9)
    assert banzhaf(w, q).sum() == pytest.approx(1.0)
    assert shapley_shubik([1] * 50, 26) == pytest.approx(np.full(50, 1 / 50))


@pytest.mark.parametrize(
    ("weights", "quota", "match"),
    [
        ([1, 2], 0, "quota"),
        ([1, 2], 4, "quota"),
        ([1.5, 2], 2, "integers"),
        ([-1, 2], 1, "integers"),
        ([], 1, "non-empty"),
        ([1] * 63, 10, "at most"),
    ],
)
def test_bad_games(weights: list[float], quota: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        banzhaf(weights, quota)
