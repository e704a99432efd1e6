"""The expected-utility model: golden numbers from the literature, invariants, options, memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import InputError
from detente.forecast import eum
from detente.forecast.eum import EUM, EUMOptions, simulate
from detente.forecast.table import table_from_mapping

# ---- reference data

# EU car-emission standards: years until standards for medium-sized cars apply. Bueno de Mesquita
# (1994), p. 78, reprinted as Table 1 of Scholz, Calbert & Smith (2011), J. Theor. Politics 23(4).
# Order: Netherlands, Belgium, Luxembourg, Germany, France, Italy, UK, Ireland, Denmark, Greece.
EU_CAP = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
EU_POS = np.array([4.0, 7, 4, 4, 10, 10, 10, 7, 4, 7])
EU_SAL = np.array([80.0, 40, 20, 80, 60, 60, 90, 10, 100, 70]) / 100
NL, BE, LU, DE, FR, IT, UK, IE, DK, GR = range(10)

# Scholz-faithful trajectory: the replication of Scholz's code (McKibben; Masad's fork,
# bdm_scholz_model.py, whose committed Example.log it reproduces byte for byte), 10 rounds on the
# table above. Columns: Belgium, Luxembourg, Ireland, weighted median, weighted mean. Scholz et
# al.'s own plotted mean ("Original" curve): 7.4 7.4 7.5 7.6 7.3 7.3 7.4 7.5 7.6 7.3 7.2.
EU_TRAJECTORY = np.array(
    [
        [7.0, 4.0, 7.0, 7.0, 7.3900],
        [8.4159, 7.0, 4.0, 8.4159, 7.4613],
        [9.6109, 8.4159, 7.0, 9.6109, 7.5525],
        [9.9620, 9.6109, 8.4159, 9.9620, 7.5901],
        [4.8009, 9.9620, 9.6109, 9.9620, 7.3581],
        [5.5242, 4.8009, 9.9620, 9.9620, 7.3492],
        [7.4720, 5.5242, 5.5242, 7.4720, 7.4149],
        [8.8246, 7.4720, 7.4720, 8.8246, 7.5105],
        [9.6711, 8.8246, 8.8246, 9.6711, 7.5724],
        [4.1448, 9.6711, 9.6711, 9.6711, 7.3250],
        [4.2915, 4.1448, 4.1448, 7.0, 7.2421],
    ]
)
# Round-1 risk exponents and dangers S_i (all r = 1) of the same code, same actor order.
EU_RISK_1 = [1.4057, 0.7542, 0.5089, 1.4057, 1.0465, 1.0465, 1.9649, 0.5000, 2.0000, 1.1121]
EU_DANGER_1 = [
    -5.2493,
    1.4283,
    5.4377,
    -5.2493,
    -2.0939,
    -2.0939,
    -8.6409,
    5.6071,
    -8.8116,
    -2.7504,
]
# Masad (2014) Testing.ipynb, GroupDecisionModel.py: round-1 risk exponents with his probability.
EU_RISK_1_MASAD = [1.127, 0.781, 0.5, 1.127, 1.078, 1.078, 2.0, 0.525, 1.472, 1.140]

# Oil-price ("Sultan") table, Bueno de Mesquita c. 1997, as transcribed in McKibben's Sultan.csv.
# Order: HAWKS IRAN RUSSIA IPEC GULF MILITARY KUWAIT TRIBALS RELIGIOUS-LEADERS BUSINESS SULTAN
# MAJLIS ABDULLAH FAHD USA NAZER EUR/JPN.
SULTAN_CAP = np.array([65, 85, 55, 70, 50, 75, 65, 85, 95, 60, 95, 45, 100, 105, 60, 80, 75]) / 100
SULTAN_POS = (
    np.array(
        [
            1425,
            1420,
            1420,
            1410,
            1410,
            1400,
            1400,
            1395,
            1390,
            1375,
            1340,
            1335,
            1325,
            1300,
            1300,
            1290,
            1285,
        ]
    )
    / 100
)
SULTAN_SAL = np.array([80, 85, 65, 75, 75, 85, 90, 85, 90, 80, 95, 75, 90, 90, 70, 85, 75]) / 100


def eu_run(rounds: int = 10, **options: object) -> eum.EUMRun:
    return simulate(EU_CAP, EU_POS, EU_SAL, rounds=rounds, options=EUMOptions(**options))  # type: ignore[arg-type]


# ---- golden tests


def test_eu_trajectory_matches_scholz_code() -> None:
    run = eu_run()
    assert run.positions.shape == (1, 11, 10)
    assert run.rounds_run == 10
    actors = run.positions[0][:, [BE, LU, IE]]
    got = np.column_stack([actors, run.median[0], run.mean[0]])
    np.testing.assert_allclose(got, EU_TRAJECTORY, atol=1e-4, rtol=0)
    for actor in (NL, DE, DK):
        assert np.all(run.positions[0, :, actor] == 4.0)
    for actor in (FR, IT, UK):
        assert np.all(run.positions[0, :, actor] == 10.0)
    assert np.all(run.positions[0, :, GR] == 7.0)
    assert run.forecast.tolist() == [pytest.approx(7.0)]


def test_eu_round_one_risk_exponents() -> None:
    run = eu_run(rounds=1)
    np.testing.assert_allclose(run.risk[0, 0], EU_RISK_1, atol=1e-4, rtol=0)
    risk, danger = eum.risk_exponents(EU_CAP, EU_POS, EU_SAL)
    np.testing.assert_allclose(danger[0], EU_DANGER_1, atol=1e-4, rtol=0)
    np.testing.assert_array_equal(risk, run.risk[:, 0])


def test_eu_round_one_risk_exponents_with_masad_probability() -> None:
    risk, _ = eum.risk_exponents(EU_CAP, EU_POS, EU_SAL, options=EUMOptions(probability="net"))
    np.testing.assert_allclose(risk[0], EU_RISK_1_MASAD, atol=1e-3, rtol=0)


def test_belgium_quadrant_chart() -> None:
    # Belgium's view after the round-1 risk update (Bueno de Mesquita 1994's quadrant chart as
    # recomputed with the Scholz-faithful code): x = E(U) of Belgium challenging each actor,
    # y = that actor's E(U) of challenging Belgium.
    a, b = eum.expected_utilities(EU_CAP, EU_POS, EU_SAL)
    expected = {
        DK: (-0.8320, 0.2423),
        UK: (-0.6550, 0.2433),
        NL: (-0.4725, 0.2423),
        DE: (-0.4725, 0.2423),
        FR: (-0.1148, 0.2433),
        IT: (-0.1148, 0.2433),
        LU: (0.6060, 0.2423),
        IE: (0.0, 0.0),
        GR: (0.0, 0.0),
    }
    for j, (x, y) in expected.items():
        assert a[0, BE, j] == pytest.approx(x, abs=1e-4)
        assert b[0, BE, j] == pytest.approx(y, abs=1e-4)


def test_eu_round_one_offers_from_example_log() -> None:
    # Example.log of the Scholz-code replication: the receiver's (E(U_ij), E(U_ji)) of the offers
    # taken in round 1: Belgium compromises with France, Luxembourg loses to Belgium, Ireland
    # loses to Luxembourg.
    a, b = eum.expected_utilities(EU_CAP, EU_POS, EU_SAL)
    for (i, j), (eu_ij, eu_ji) in {
        (BE, FR): (-0.11483, 0.24330),
        (LU, BE): (0.24551, 0.54225),
        (IE, LU): (0.53824, 0.68248),
    }.items():
        assert a[0, i, j] == pytest.approx(eu_ij, abs=1e-5)
        assert b[0, i, j] == pytest.approx(eu_ji, abs=1e-5)
    # Belgium's compromise: 7 + 3 * |a / b|.
    assert eu_run(1).positions[0, 1, BE] == pytest.approx(7 + 3 * 0.11483 / 0.24330, abs=1e-4)


def test_sultan_capitulation_variants() -> None:
    # bargaining.md §3.2 [RAN]: the Scholz code moves nobody (its capitulation test never fires);
    # with the published rule the round-1 mean falls from 13.6199 to 13.5758.
    frozen = simulate(SULTAN_CAP, SULTAN_POS, SULTAN_SAL)
    assert np.all(frozen.positions == np.asarray(SULTAN_POS))
    assert frozen.median[0, -1] == pytest.approx(13.9)
    assert frozen.mean[0, -1] == pytest.approx(13.6199, abs=1e-4)
    moving = simulate(
        SULTAN_CAP, SULTAN_POS, SULTAN_SAL, options=EUMOptions(capitulation="as_published")
    )
    assert moving.mean[0, 1] == pytest.approx(13.5758, abs=1e-4)


def test_capitulation_fix_changes_nothing_on_the_eu_example() -> None:
    np.testing.assert_array_equal(eu_run(capitulation="as_published").positions, eu_run().positions)


def test_paper_probability_is_a_share_of_the_pair_vote() -> None:
    # bargaining.md §1.4 [RAN]: P(France beats Belgium) is 0.0060 with Scholz's global denominator
    # (maximum 0.0119 over all pairs) and 0.496 with the paper's per-pair denominator (all r = 1).
    batch = eum._as_batch(EU_CAP, EU_POS, EU_SAL, None)
    dist = eum._distance(batch.position, batch.width)
    scholz = eum._win_probability(dist, batch.weight, None, EUMOptions(), eum.DEFAULT_MAX_BYTES)
    paper = eum._win_probability(
        dist, batch.weight, None, EUMOptions(probability="paper"), eum.DEFAULT_MAX_BYTES
    )
    assert scholz[0, FR, BE] == pytest.approx(0.0060, abs=1e-4)
    assert scholz.max() == pytest.approx(0.0119, abs=1e-4)
    assert paper[0, FR, BE] == pytest.approx(0.496, abs=1e-3)
    distinct = EU_POS[:, None] != EU_POS[None, :]
    np.testing.assert_allclose((paper[0] + paper[0].T)[distinct], 1.0)


def test_facade_runs_a_table_on_its_scale() -> None:
    table = table_from_mapping(
        {
            "name": "eu",
            "scale": {"min": 4, "max": 10},
            "actors": [
                {"id": str(i), "capability": c, "position": x, "salience": s}
                for i, (c, x, s) in enumerate(zip(EU_CAP, EU_POS, EU_SAL, strict=True))
            ],
        }
    )
    run = EUM(table).run(10)
    np.testing.assert_allclose(run.median[0], EU_TRAJECTORY[:, 3], atol=1e-4)
    # A wider scale changes the distance unit and hence the game.
    wider = simulate(EU_CAP, EU_POS, EU_SAL, bounds=(0.0, 20.0))
    assert not np.allclose(wider.positions, run.positions)


# ---- invariants (property tests over random tables; seeds drawn by hypothesis)

OPTIONS = st.builds(
    EUMOptions,
    probability=st.sampled_from(["scholz_code", "paper", "net"]),
    risk_perspective=st.sampled_from(["receiver", "own"]),
    vote_risk=st.sampled_from(["voter", "neutral"]),
    capitulation=st.sampled_from(["scholz_code", "as_published"]),
    offer_choice=st.sampled_from(["scholz_code", "least_move", "largest_eu"]),
    q=st.sampled_from([1.0, 0.5, 0.0]),
    t=st.sampled_from([1.0, 0.3]),
)


def random_table(seed: int, n: int, m: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Continuous random inputs (exact ties, which break by table order, have probability 0),
    with a few actors sharing positions as real tables do."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(0.05, 1.0, (m, n))
    pos = rng.uniform(0.0, 100.0, (m, n))
    pos[:, : n // 3] = pos[:, n - 1 : n - 1 - n // 3 : -1] if n >= 6 else pos[:, : n // 3]
    sal = rng.uniform(0.05, 1.0, (m, n))
    return cap, pos, sal


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 12), options=OPTIONS)
def test_relabelling_actors_permutes_the_results(seed: int, n: int, options: EUMOptions) -> None:
    cap, pos, sal = random_table(seed, n)
    perm = np.random.default_rng(seed + 1).permutation(n)
    base = simulate(cap, pos, sal, rounds=4, options=options)
    shuffled = simulate(cap[:, perm], pos[:, perm], sal[:, perm], rounds=4, options=options)
    np.testing.assert_allclose(shuffled.positions, base.positions[:, :, perm], atol=1e-9)
    np.testing.assert_allclose(shuffled.risk, base.risk[:, :, perm], atol=1e-9)
    np.testing.assert_allclose(shuffled.median, base.median, atol=1e-9)
    np.testing.assert_allclose(shuffled.mean, base.mean, atol=1e-9)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 12), options=OPTIONS)
def test_positions_stay_within_the_initial_range(seed: int, n: int, options: EUMOptions) -> None:
    cap, pos, sal = random_table(seed, n)
    run = simulate(cap, pos, sal, rounds=6, options=options)
    lo, hi = pos.min(), pos.max()
    assert np.all(run.positions >= lo - 1e-12)
    assert np.all(run.positions <= hi + 1e-12)
    assert np.all((run.risk >= 0.5 - 1e-12) & (run.risk <= 2.0 + 1e-12))
    assert np.all((run.median >= lo) & (run.median <= hi))


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 9), m=st.integers(2, 5), options=OPTIONS)
def test_replicates_equal_single_runs(seed: int, n: int, m: int, options: EUMOptions) -> None:
    cap, pos, sal = random_table(seed, n, m)
    # A tiny budget forces blocks of one replicate and one voter: chunking must not show.
    batch = simulate(cap, pos, sal, rounds=5, options=options, max_bytes=1)
    for i in range(m):
        single = simulate(cap[i], pos[i], sal[i], rounds=5, options=options)
        np.testing.assert_allclose(batch.positions[i], single.positions[0], atol=1e-9)
        np.testing.assert_allclose(batch.risk[i], single.risk[0], atol=1e-9)
        np.testing.assert_allclose(batch.median[i], single.median[0], atol=1e-9)


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 10),
    scale=st.floats(1e-3, 1e3),
    options=OPTIONS,
)
def test_capability_units_do_not_matter(
    seed: int, n: int, scale: float, options: EUMOptions
) -> None:
    cap, pos, sal = random_table(seed, n)
    base = simulate(cap, pos, sal, rounds=5, options=options)
    scaled = simulate(cap * scale, pos, sal, rounds=5, options=options)
    np.testing.assert_allclose(scaled.positions, base.positions, atol=1e-9)
    np.testing.assert_allclose(scaled.mean, base.mean, atol=1e-9)


def test_eu_example_is_exactly_reproducible_and_unchanged_by_replication() -> None:
    one = eu_run()
    many = simulate(
        np.tile(EU_CAP, (7, 1)), EU_POS, EU_SAL, rounds=10
    )  # broadcasting (m, n) with (n,)
    assert many.positions.shape == (7, 11, 10)
    assert np.array_equal(many.positions, np.repeat(one.positions, 7, axis=0))


# ---- stopping rule


def test_convergence_stops_early_and_converged_replicates_repeat() -> None:
    # Two small made-up tables: the first settles on 5 after 3 rounds, the second gathers on 6
    # after 7 rounds of moves, each move at least 0.1 (the first five EU actors, used here
    # before, creep towards 10 by ever smaller steps, and whether they stop or flip-flop then
    # depends on rounding in the machine's BLAS).
    cap = np.array([[0.7, 0.5, 0.6, 0.3, 0.6], [0.11, 0.3, 0.43, 0.39, 0.33]])
    pos = np.array([[5.0, 2, 7, 5, 2], [10.0, 0, 7, 6, 3]])
    sal = np.array([[0.5, 0.1, 0.1, 0.3, 0.5], [0.4, 0.5, 0.5, 0.5, 0.2]])
    run = simulate(cap, pos, sal, rounds=20, tol=1e-9, bounds=(0.0, 10.0))
    assert run.converged.tolist() == [True, True]
    assert run.rounds_run == 8  # round 8 is the second table's first round without a move
    assert run.positions.shape == (2, 9, 5)
    assert run.risk.shape == (2, 8, 5)
    assert np.all(run.positions[0, 3:] == 5.0)  # repeats its state once settled
    assert np.all(run.risk[0, 4:] == run.risk[0, 3])  # and its last exponents
    np.testing.assert_allclose(run.positions[1, -1], [6, 6, 6, 6, 6], atol=1e-9)
    fixed = simulate(cap, pos, sal, rounds=8, bounds=(0.0, 10.0))
    np.testing.assert_array_equal(run.positions, fixed.positions)
    alone = simulate(cap[0], pos[0], sal[0], rounds=20, tol=1e-9, bounds=(0.0, 10.0))
    assert alone.rounds_run == 4
    np.testing.assert_array_equal(alone.positions[0], run.positions[0, :5])


def test_without_tol_all_rounds_run() -> None:
    run = simulate(EU_CAP, EU_POS, EU_SAL, rounds=3)
    assert run.rounds_run == 3
    assert not run.converged.any()
    assert simulate(EU_CAP, EU_POS, EU_SAL, rounds=0).positions.shape == (1, 1, 10)


# ---- weighted median and mean


def test_weighted_median_and_mean() -> None:
    assert eum.weighted_median([1.0, 2.0, 3.0], [1.0, 1.0, 5.0]) == 3.0
    assert eum.weighted_median([3.0, 1.0, 2.0], [1.0, 1.0, 1.0]) == 2.0
    assert eum.weighted_median([1.0, 2.0], [1.0, 1.0]) == 1.0  # exact tie: the lower position
    assert eum.weighted_mean([1.0, 3.0], [1.0, 3.0]) == 2.5
    np.testing.assert_array_equal(eum.weighted_median([[1.0, 2.0], [5.0, 4.0]], [1, 2]), [2, 4])


# ---- bad input


@pytest.mark.parametrize(
    ("cap", "pos", "sal", "match"),
    [
        ([1, -1, 1], [1, 2, 3], [0.5, 0.5, 0.5], "capability"),
        ([1, 1, 1], [1, 2, 3], [0.5, 1.5, 0.5], "salience"),
        ([1, 1, 1], [1, np.nan, 3], [0.5, 0.5, 0.5], "non-finite"),
        ([0, 0, 0], [1, 2, 3], [0.5, 0.5, 0.5], "no actor"),
        ([1, 1], [1, 2, 3], [0.5, 0.5, 0.5], "broadcast"),
    ],
)
def test_bad_inputs_raise_input_error(cap: list, pos: list, sal: list, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError, match=match):
        simulate(cap, pos, sal)


def test_bad_options_and_bounds() -> None:
    with pytest.raises(InputError, match="probability"):
        EUMOptions(probability="maybe")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="q must be"):
        EUMOptions(q=1.5)
    with pytest.raises(InputError, match="inside bounds"):
        simulate(EU_CAP, EU_POS, EU_SAL, bounds=(5.0, 10.0))


# ---- memory


def test_large_tables_are_chunked_within_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # The spread over voters is O(m n^3); with a 4 MiB budget a 60-actor, 4-replicate round must
    # not allocate the 6.9 MB voter-by-pair tensor at once (numpy reports to tracemalloc). The
    # NumPy path is the one that blocks (the compiled kernel has no such tensor at all).
    monkeypatch.setenv("DETENTE_KERNELS", "numpy")
    cap, pos, sal = random_table(3, 60, 4)
    tracemalloc.start()
    try:
        simulate(cap, pos, sal, rounds=1, max_bytes=4 * 2**20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20
