"""The compiled (numba) kernels against the NumPy reference path, and the choice between them.

Claim tested: every compiled kernel gives the NumPy values within 1e-12 (absolute; in practice a
few ulps, since only the order of sums over actors differs), the serial and parallel forms give
the same bits, and whole SMP and EUM runs take the same turns and end within 1e-12 of the NumPy
runs, also on KTAB's SOE-Pol-Comp reference table.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.forecast.test_smp import SOE, SOE_FINAL_PROB, SOE_TURNS, soe_table

from detente.forecast import _smp_kernels as kern
from detente.forecast import eum, smp
from detente.forecast.kernels import AUTO_WORK, ENV, use_compiled

pytest.importorskip("numba")
from detente.forecast import _compiled

TOL = 1e-12
FEW = settings(max_examples=20, deadline=None)


def random_table(seed: int, m: int, n: int, d: int) -> tuple[np.ndarray, ...]:
    """A random SMP table (capabilities, positions on [0, 1], saliences summing to < 1)."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(1.0, 100.0, (m, n))
    pos = rng.uniform(0.0, 1.0, (m, n, d))
    sal = rng.uniform(0.05, 1.0, (m, n, d))
    sal *= rng.uniform(0.5, 0.99, (m, n, 1)) / sal.sum(axis=-1, keepdims=True)
    return cap, pos, sal


def assessed(seed: int, m: int, n: int, d: int) -> tuple[smp._Assessment, smp._Actors]:
    cap, pos, sal = random_table(seed, m, n, d)
    s_tot = sal.sum(axis=-1)
    actors = smp._Actors(cap, sal, (sal * sal).sum(axis=-1), s_tot, s_tot * cap, False)
    return smp._assess(pos, actors, smp.SMPParams()), actors


tables = st.tuples(
    st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(3, 12), st.integers(1, 3)
)


@FEW
@given(tables, st.sampled_from(["Prop", "Cubic", "PropBin"]), st.booleans())
def test_challenges_match_numpy(
    table: tuple[int, int, int, int], rule: kern.VotingRule, semi: bool
) -> None:
    view, actors = assessed(*table)
    params = smp.SMPParams(
        voting_rule=rule, third_party_commit="SemiCommit" if semi else "NoCommit"
    )
    n = view.dist.shape[1]
    p_ref, g_ref = smp._challenges(view, actors, params, ~np.eye(n, dtype=bool))
    args = (
        view.dist,
        np.ascontiguousarray(np.swapaxes(view.dist, 1, 2)),
        view.risk_est,
        actors.w_p,
        actors.s_tot,
        kern.VOTE_CODES[rule],
        semi,
    )
    p_win, gain = _compiled.smp_challenges(*args)
    np.testing.assert_allclose(p_win, p_ref, rtol=0, atol=TOL)
    np.testing.assert_allclose(gain, g_ref, rtol=0, atol=TOL)


@FEW
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 3),
    st.integers(1, 9),
    st.integers(1, 14),
    st.sampled_from(list(kern.VOTE_CODES)),
)
def test_coalitions_match_numpy(seed: int, m: int, na: int, nx: int, rule: kern.VotingRule) -> None:
    rng = np.random.default_rng(seed)
    weight = rng.uniform(0.1, 5.0, (m, na))
    util = rng.uniform(-1.0, 1.0, (m, na, nx))
    util[:, :, nx // 2] = util[:, :, 0]  # equal utilities: zero votes, as in real tables
    ref = kern.coalitions(rule, weight, util, 1 << 14)
    out = _compiled.smp_coalitions(kern.VOTE_CODES[rule], weight, util)
    np.testing.assert_allclose(out, ref, rtol=0, atol=TOL * max(1.0, float(np.abs(ref).max())))


@FEW
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(3, 10))
def test_parallel_kernels_give_the_same_bits(seed: int, m: int, n: int) -> None:
    view, actors = assessed(seed, m, n, 2)
    args = (
        view.dist,
        np.ascontiguousarray(np.swapaxes(view.dist, 1, 2)),
        view.risk_est,
        actors.w_p,
        actors.s_tot,
        0,
        True,
    )
    for a, b in zip(
        _compiled.smp_challenges(*args), _compiled.smp_challenges_parallel(*args), strict=True
    ):
        assert np.array_equal(a, b)
    util = view.u_own
    serial = _compiled.smp_coalitions(0, actors.cap, util)
    assert np.array_equal(serial, _compiled.smp_coalitions_parallel(0, actors.cap, util))


@FEW
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(2, 12))
def test_eum_vote_spread_matches_numpy(seed: int, m: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    e = rng.uniform(0.0, 1.0, (m, n, n)) ** rng.uniform(0.5, 2.0, (m, n, 1))
    w = rng.uniform(0.0, 1.0, (m, n))
    ref = eum._vote_spread(e, w, 1 << 30)  # small calls stay on NumPy under "auto"
    np.testing.assert_allclose(_compiled.eum_vote_spread(e, w), ref, rtol=0, atol=TOL)
    assert np.array_equal(_compiled.eum_vote_spread(e, w), _compiled.eum_vote_spread_parallel(e, w))


@FEW
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 4),
    st.integers(1, 11),
    st.booleans(),
    st.sampled_from(list(_compiled.OFFER_CODES)),
    st.sampled_from(["scholz_code", "as_published"]),
)
def test_eum_offer_choice_gives_numpys_bits(
    seed: int, m: int, n: int, coarse: bool, choice: str, capitulation: str
) -> None:
    """Claim: the compiled offer selection is bit-identical to ``eum._choose`` (``coarse``
    values make ties in ``a``, ``b`` and equal positions, where the first least key wins)."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(m, n, n)), rng.normal(size=(m, n, n))
    x = rng.normal(size=(m, n))
    if coarse:
        a, b, x = np.round(a, 1), np.round(b, 1), rng.integers(0, 4, (m, n)).astype(float)
    opts = eum.EUMOptions(offer_choice=choice, capitulation=capitulation)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV, "numpy")
        ref = eum._choose(a, b, x, opts)
    args = (a, b, x, _compiled.OFFER_CODES[choice], capitulation == "as_published")
    assert np.array_equal(_compiled.eum_choose(*args), ref)
    assert np.array_equal(_compiled.eum_choose_parallel(*args), ref)


def run_both(monkeypatch: pytest.MonkeyPatch, *table: np.ndarray) -> tuple[smp.SMPRun, ...]:
    runs = []
    for kernels in ("numpy", "numba"):
        monkeypatch.setenv(ENV, kernels)
        runs.append(smp.simulate(*table))
    return tuple(runs)


@FEW
@given(tables)
def test_whole_smp_runs_match_numpy(table: tuple[int, int, int, int]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        ref, fast = run_both(mp, *random_table(*table))
    assert np.array_equal(ref.turns, fast.turns)
    np.testing.assert_allclose(fast.positions, ref.positions, rtol=0, atol=TOL)
    np.testing.assert_allclose(fast.probability, ref.probability, rtol=0, atol=TOL)
    np.testing.assert_allclose(fast.outcome, ref.outcome, rtol=0, atol=TOL)


def test_compiled_smp_still_matches_ktab_soe(monkeypatch: pytest.MonkeyPatch) -> None:
    """KTAB's logged SOE-Pol-Comp run (golden test of test_smp.py), on the compiled kernels."""
    ref, fast = run_both(monkeypatch, *soe_table())
    assert fast.turns.tolist() == [SOE_TURNS]
    np.testing.assert_allclose(fast.positions[0, -1] * 100, SOE[:, 5:7], atol=0.01)
    np.testing.assert_allclose(fast.probability[0, -1], SOE_FINAL_PROB, atol=1e-4)
    np.testing.assert_allclose(fast.positions, ref.positions, rtol=0, atol=TOL)


def test_compiled_eum_matches_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    cap, pos, sal = rng.uniform(0, 1, (4, 9)), rng.uniform(0, 10, (4, 9)), rng.uniform(0, 1, (4, 9))
    for options in (eum.EUMOptions(), eum.EUMOptions(offer_choice="largest_eu")):
        runs = []
        for kernels in ("numpy", "numba"):
            monkeypatch.setenv(ENV, kernels)
            runs.append(eum.simulate(cap, pos, sal, rounds=6, options=options))
        np.testing.assert_allclose(runs[1].positions, runs[0].positions, rtol=0, atol=TOL)


def test_the_choice_of_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert not use_compiled(AUTO_WORK - 1) and use_compiled(AUTO_WORK)
    monkeypatch.setenv(ENV, "numpy")
    assert not use_compiled(10**12)
    monkeypatch.setenv(ENV, "NUMBA")
    assert use_compiled(1)
    monkeypatch.setenv(ENV, "fortran")
    with pytest.raises(ValueError, match="DETENTE_KERNELS must be one of auto, numpy, numba"):
        use_compiled(1)
