"""Tests of the Spatial Model of Politics against KTAB's reference runs, and its invariants.

Reference tables and numbers, typed in from public sources (KTAB, MIT licence):

* ``SOE-Pol-Comp.csv`` (China upstream oil & gas SOE reform, 13 actors x 2 dimensions) from
  KTAB ``examples/smp/doc``; its final positions after 27 turns and final win probabilities as
  logged by KTAB's ``smpc`` in ``examples/smp/doc/20170530_ref-SOE-Pol-Comp.txt`` (summarised in
  the project's shared ``bargaining.md`` §3.4).
* ``dummyData_3Dim.csv`` (7 x 3) from KTAB ``examples/smp/doc``; its position history (1 decimal),
  final positions (4 decimals, the "postn" lines) and win-probability history from
  ``examples/smp/doc/20170530_ref-dummyData_3Dim.txt``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.forecast.smp import SMPParams, SMPRun, simulate

# --------------------------------------------------------------------------------------------
# KTAB SOE-Pol-Comp: capability, policy position, policy salience, competitive position,
# competitive salience (0-100 scales), and the reference final position (turn 27).
SOE = np.array(
    [
        # cap   p1    s1    p2    s2    final1  final2
        [100.0, 30, 24.0, 20, 48.0, 43.18, 43.30],  # XJ Xi Jinping
        [60.2, 45, 44.7, 65, 41.3, 43.23, 43.27],  # LK Li Keqiang
        [35.0, 30, 28.9, 15, 65.1, 38.66, 28.82],  # ZG Zhang Gaoli
        [35.0, 45, 20.6, 45, 49.4, 38.57, 28.79],  # MK Ma Kai
        [40.0, 50, 44.7, 65, 47.8, 38.66, 28.82],  # LH Liu He
        [20.0, 15, 32.0, 10, 32.0, 38.59, 29.52],  # XS Xu Shaoshi (NDRC)
        [15.0, 20, 32.0, 15, 32.0, 38.72, 28.97],  # NEA
        [25.0, 60, 43.9, 50, 50.1, 38.72, 28.97],  # MLR
        [20.0, 30, 26.4, 15, 17.6, 38.71, 28.95],  # MEP
        [35.0, 45, 35.9, 40, 46.6, 38.82, 30.72],  # MOF
        [20.0, 50, 44.7, 50, 47.8, 38.82, 30.77],  # SHX Shanxi
        [20.0, 20, 47.4, 30, 40.6, 38.82, 30.77],  # HLJ Heilongjiang
        [40.0, 15, 49.0, 60, 46.0, 15.00, 60.00],  # WY CNOOC
    ]
)
SOE_TURNS = 27
SOE_FINAL_PROB = [0.2299, 0.2299, 0.1104, 0.1104, 0.1104, 0.2202]
SOE_FINAL_PROB += [0.2063, 0.2063, 0.2063, 0.2330, 0.2330, 0.2330, 0.0002]

# KTAB dummyData_3Dim: power, then (position, salience) for dimensions 1-3.
DUMMY3 = np.array(
    [
        [102.543, 75.79, 49.53, 6.37, 5.91, 70.45, 28.15],
        [53.393, 82.72, 30.33, 73.50, 21.22, 64.00, 24.79],
        [129.643, 82.45, 48.47, 90.89, 13.55, 0.07, 34.62],
        [75.920, 62.52, 20.76, 50.82, 39.24, 62.33, 22.21],
        [63.224, 82.34, 40.96, 45.77, 25.43, 73.31, 22.59],
        [120.048, 84.48, 22.92, 33.70, 39.35, 88.11, 15.42],
        [54.178, 70.96, 31.75, 33.46, 27.93, 90.36, 26.03],
    ]
)
DUMMY3_TURNS = 10
DUMMY3_FINAL = [
    [78.56, 31.76, 74.05],
    [78.56, 31.76, 74.05],
    [82.45, 90.89, 0.07],
    [67.12, 50.12, 63.73],
    [78.60, 31.65, 74.11],
    [79.88, 34.37, 75.16],
    [78.60, 31.65, 74.11],
]
# position history, actor by actor, dimension by dimension, turns 0-10 (KTAB prints 1 decimal)
DUMMY3_HISTORY = [
    [
        [75.8, 79.5, 80.6, 80.6, 78.5, 78.5, 78.5, 78.5, 78.6, 78.6, 78.6],
        [6.4, 44.7, 34.2, 35.0, 30.5, 30.5, 31.2, 31.2, 31.5, 31.8, 31.8],
        [70.5, 72.0, 75.9, 76.1, 74.0, 74.0, 74.0, 74.0, 74.0, 74.1, 74.1],
    ],
    [
        [82.7, 78.9, 76.0, 78.3, 79.0, 79.0, 79.1, 78.5, 79.9, 78.6, 78.6],
        [73.5, 56.3, 27.5, 30.5, 30.6, 30.6, 30.9, 31.2, 34.4, 31.8, 31.8],
        [64.0, 72.5, 72.0, 73.8, 74.2, 74.2, 74.3, 74.0, 75.2, 74.1, 74.1],
    ],
    [
        [82.5] * 11,
        [90.9] * 11,
        [0.1] * 11,
    ],
    [
        [62.5, 65.8, 66.7, 66.7, 66.7, 66.7, 67.1, 67.1, 67.1, 67.1, 67.1],
        [50.8, 50.8, 50.2, 50.2, 50.2, 50.2, 50.1, 50.1, 50.1, 50.1, 50.1],
        [62.3, 63.0, 63.5, 63.5, 63.5, 63.5, 63.7, 63.7, 63.7, 63.7, 63.7],
    ],
    [
        [82.3, 79.5, 81.5, 78.3, 78.5, 78.5, 78.6, 80.5, 78.6, 78.6, 78.6],
        [45.8, 44.7, 35.8, 30.5, 30.5, 30.5, 30.6, 34.6, 31.6, 31.6, 31.6],
        [73.3, 72.0, 79.1, 73.8, 74.0, 74.0, 74.1, 75.9, 74.0, 74.1, 74.1],
    ],
    [
        [84.5, 84.4, 80.6, 80.7, 80.6, 80.5, 80.5, 80.5, 79.9, 79.9, 79.9],
        [33.7, 34.1, 34.2, 34.3, 34.7, 34.6, 34.6, 34.6, 34.4, 34.4, 34.4],
        [88.1, 86.3, 75.9, 76.3, 76.1, 75.9, 75.9, 75.9, 75.2, 75.2, 75.2],
    ],
    [
        [71.0, 75.6, 76.0, 77.4, 77.4, 80.5, 78.5, 78.5, 78.7, 78.7, 78.6],
        [33.5, 24.8, 27.5, 28.7, 28.7, 34.6, 31.2, 31.2, 31.3, 31.3, 31.6],
        [90.4, 72.0, 72.0, 73.0, 73.0, 75.9, 74.0, 74.0, 74.1, 74.1, 74.1],
    ],
]
DUMMY3_PROB = [
    [0.0047, 0.6059, 0.3618, 0.2234, 0.2420, 0.4040, 0.4031, 0.3546, 0.4593, 0.3962, 0.3340],
    [0.0302, 0.0509, 0.3087, 0.3684, 0.2457, 0.1811, 0.1290, 0.3546, 0.2960, 0.3962, 0.3340],
    [0.0054, 0.0096, 0.0256, 0.0158, 0.0096, 0.0339, 0.0072, 0.0571, 0.0194, 0.0074, 0.0183],
    [0.1492, 0.1406, 0.1887, 0.1674, 0.0823, 0.2564, 0.0533, 0.2768, 0.1131, 0.0507, 0.0957],
    [0.6001, 0.6059, 0.1152, 0.3684, 0.2420, 0.4040, 0.0446, 0.3115, 0.4593, 0.1730, 0.1512],
    [0.1447, 0.1217, 0.3618, 0.0649, 0.3687, 0.1246, 0.3628, 0.3115, 0.2960, 0.3530, 0.4009],
    [0.0656, 0.0713, 0.3087, 0.1602, 0.0517, 0.1246, 0.4031, 0.3546, 0.1123, 0.0198, 0.1512],
]

Table = tuple[np.ndarray, np.ndarray, np.ndarray]


def soe_table() -> Table:
    return SOE[:, 0], SOE[:, [1, 3]] / 100.0, SOE[:, [2, 4]] / 100.0


def dummy3_table() -> Table:
    return DUMMY3[:, 0], DUMMY3[:, [1, 3, 5]] / 100.0, DUMMY3[:, [2, 4, 6]] / 100.0


@pytest.fixture(scope="module")
def soe_run() -> SMPRun:
    return simulate(*soe_table())


@pytest.fixture(scope="module")
def dummy3_run() -> SMPRun:
    return simulate(*dummy3_table())


# --------------------------------------------------------------------------------------------
# Golden tests


def test_soe_final_positions_and_turns(soe_run: SMPRun) -> None:
    assert soe_run.turns.tolist() == [SOE_TURNS]
    assert soe_run.positions.shape == (1, SOE_TURNS + 1, 13, 2)
    np.testing.assert_allclose(soe_run.positions[0, -1] * 100, SOE[:, 5:7], atol=0.01)


def test_soe_final_probabilities(soe_run: SMPRun) -> None:
    np.testing.assert_allclose(soe_run.probability[0, -1], SOE_FINAL_PROB, atol=1e-4)


def test_dummy3_final_positions_and_turns(dummy3_run: SMPRun) -> None:
    assert dummy3_run.turns.tolist() == [DUMMY3_TURNS]
    np.testing.assert_allclose(dummy3_run.positions[0, -1] * 100, DUMMY3_FINAL, atol=0.01)


def test_dummy3_whole_trajectory(dummy3_run: SMPRun) -> None:
    history = np.transpose(np.array(DUMMY3_HISTORY), (2, 0, 1))  # (turn, actor, dim)
    np.testing.assert_allclose(dummy3_run.positions[0] * 100, history, atol=0.05 + 1e-9)
    np.testing.assert_allclose(dummy3_run.probability[0].T, DUMMY3_PROB, atol=1e-4)


def test_outcome_is_probability_weighted_mean_of_distinct_positions(soe_run: SMPRun) -> None:
    final = soe_run.positions[0, -1]
    prob = soe_run.probability[0, -1]
    # KTAB counts positions closer than 1e-3 as one; the first actor of a group represents it
    gap = np.linalg.norm(final[:, None] - final[None], axis=-1)
    first = [i for i in range(13) if not (gap[i, :i] < 1e-3).any()]
    assert first == [0, 2, 5, 6, 9, 12]  # XJ, ZG, XS, NEA, MOF, WY groups as in KTAB's log
    np.testing.assert_allclose(prob[first].sum(), 1.0, atol=1e-12)
    expected = (prob[first, None] * final[first]).sum(axis=0)
    np.testing.assert_allclose(soe_run.forecast[0], expected, atol=1e-12)
    assert soe_run.forecast.shape == (1, 2)
    np.testing.assert_array_equal(soe_run.forecast, soe_run.outcome[:, -1])


# --------------------------------------------------------------------------------------------
# Property tests


def random_table(seed: int, n: int, d: int) -> Table:
    rng = np.random.default_rng(seed)
    cap = rng.uniform(1.0, 100.0, n)
    pos = rng.uniform(0.0, 1.0, (n, d))
    sal = rng.uniform(0.05, 1.0, (n, d))
    sal *= rng.uniform(0.3, 1.0, (n, 1)) / sal.sum(axis=1, keepdims=True)
    return cap, pos, sal


tables = st.builds(
    random_table,
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 9),
    d=st.integers(1, 3),
)


@settings(max_examples=25, deadline=None)
@given(table=tables)
def test_positions_stay_in_unit_box_and_outcome_within_hull(table: Table) -> None:
    run = simulate(*table, max_turns=15)
    assert np.all((run.positions >= 0.0) & (run.positions <= 1.0))
    lo = run.positions.min(axis=2) - 1e-12
    hi = run.positions.max(axis=2) + 1e-12
    assert np.all((run.outcome >= lo) & (run.outcome <= hi))
    assert np.all((run.turns >= 1) & (run.turns <= 15))
    np.testing.assert_allclose(run.probability.max(axis=-1) <= 1.0, True)


@settings(max_examples=20, deadline=None)
@given(table=tables, perm_seed=st.integers(0, 2**32 - 1))
def test_permuting_actors_permutes_results(table: Table, perm_seed: int) -> None:
    cap, pos, sal = table
    perm = np.random.default_rng(perm_seed).permutation(cap.size)
    base = simulate(cap, pos, sal, max_turns=4)
    moved = simulate(cap[perm], pos[perm], sal[perm], max_turns=4)
    assert moved.turns.tolist() == base.turns.tolist()
    np.testing.assert_allclose(moved.positions, base.positions[:, :, perm], atol=1e-9)
    # positions within KTAB's tolerance (1e-3) form one option represented by its first actor,
    # so reported probabilities may shift slightly with the order of such near-equal actors
    np.testing.assert_allclose(moved.probability, base.probability[:, :, perm], atol=0.02)
    np.testing.assert_allclose(moved.outcome, base.outcome, atol=0.01)


@settings(max_examples=10, deadline=None)
@given(seeds=st.lists(st.integers(0, 2**32 - 1), min_size=2, max_size=4), n=st.integers(3, 7))
def test_replicates_equal_single_runs(seeds: list[int], n: int) -> None:
    parts = [random_table(s, n, 2) for s in seeds]
    batch = simulate(*(np.stack(p) for p in zip(*parts, strict=True)), max_turns=30)
    for r, part in enumerate(parts):
        single = simulate(*part, max_turns=30)
        t = int(single.turns[0])
        assert batch.turns[r] == t
        np.testing.assert_array_equal(batch.positions[r, : t + 1], single.positions[0])
        np.testing.assert_array_equal(batch.outcome[r, : t + 1], single.outcome[0])
        # after stopping, a replicate repeats its final state
        tail = batch.positions[r, t:]
        np.testing.assert_array_equal(tail, np.broadcast_to(tail[:1], tail.shape))


def test_m_copies_of_one_table_equal_the_single_run() -> None:
    cap, pos, sal = soe_table()
    single = simulate(cap, pos, sal)
    copies = simulate(np.tile(cap, (3, 1)), np.tile(pos, (3, 1, 1)), np.tile(sal, (3, 1, 1)))
    for r in range(3):
        np.testing.assert_array_equal(copies.positions[r], single.positions[0])
    assert copies.turns.tolist() == [SOE_TURNS] * 3


@settings(max_examples=10, deadline=None)
@given(table=tables)
def test_deterministic_bit_for_bit(table: Table) -> None:
    a = simulate(*table, max_turns=10)
    b = simulate(*table, max_turns=10)
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_array_equal(a.turns, b.turns)


# --------------------------------------------------------------------------------------------
# Options, randomness and validation

OPTIONS: list[tuple[str, Any]] = [
    ("victory_prob_model", v) for v in ("Square", "Quartic", "Octic", "Binary")
]
OPTIONS += [("pce_model", v) for v in ("MarkovIncentive", "MarkovUniform")]
OPTIONS += [("voting_rule", v) for v in ("Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp")]
OPTIONS += [("big_r_adjust", v) for v in ("None", "Half", "TwoThirds", "Full")]
OPTIONS += [("big_r_range", v) for v in ("Min", "Max")]
OPTIONS += [("third_party_commit", v) for v in ("NoCommit", "FullCommit")]
OPTIONS += [("inter_vec_brgn", v) for v in ("S1P1", "S2PMax")]
OPTIONS += [("bargn_model", v) for v in ("InitRcvrInterp", "PWCompInterp")]


@pytest.mark.parametrize(("field", "value"), OPTIONS)
def test_every_ktab_option_runs_and_stays_valid(field: str, value: str) -> None:
    params = replace(SMPParams(), **{field: value})
    run = simulate(*soe_table(), params=params, max_turns=12)
    assert np.all((run.positions >= 0.0) & (run.positions <= 1.0))
    assert np.isfinite(run.outcome).all()
    np.testing.assert_allclose(run.probability[0, 0].max() <= 1.0, True)


def test_third_parties_cancel_under_no_and_full_commit() -> None:
    # with NoCommit and FullCommit a third party's two lotteries are identical (KTAB)
    no = simulate(*dummy3_table(), params=SMPParams(third_party_commit="NoCommit"))
    full = simulate(*dummy3_table(), params=SMPParams(third_party_commit="FullCommit"))
    np.testing.assert_array_equal(no.positions, full.positions)


def test_stochastic_transitions_follow_the_seed() -> None:
    params = SMPParams(state_transitions="Stochastic")
    table = dummy3_table()
    a = simulate(*table, params=params, rng=np.random.default_rng(7))
    b = simulate(*table, params=params, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.positions, b.positions)
    many = [simulate(*table, params=params, rng=np.random.default_rng(s)) for s in range(6)]
    assert len({m.positions.tobytes() for m in many}) > 1
    with pytest.raises(ValueError, match="rng"):
        simulate(*table, params=params)


def test_max_turns_caps_the_run() -> None:
    run = simulate(*soe_table(), max_turns=5)
    assert run.turns.tolist() == [5]
    assert run.positions.shape[1] == 6
    zero = simulate(*soe_table(), max_turns=0)
    assert zero.turns.tolist() == [0]
    np.testing.assert_array_equal(zero.positions[0, 0], soe_table()[1])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c, p, s: (-c, p, s), "capability"),
        (lambda c, p, s: (c, p * 2, s), "positions"),
        (lambda c, p, s: (c, p, s * 3), "saliences"),
        (lambda c, p, s: (c, p, np.zeros_like(s)), "saliences"),
        (lambda c, p, s: (c[:2], p[:2], s[:2]), "3 actors"),
        (lambda c, p, s: (c, p[:, :1], s), "shapes"),
        (lambda c, p, s: (c, p * np.nan, s), "non-finite"),
    ],
)
def test_bad_input_is_rejected(change: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate(*change(*soe_table()))


def test_params_reject_unknown_values() -> None:
    with pytest.raises(ValueError, match="voting_rule"):
        SMPParams(voting_rule="Majority")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="stop_ratio"):
        SMPParams(stop_ratio=1.5)
