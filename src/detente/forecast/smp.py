"""The Spatial Model of Politics (SMP) of KAPSARC's KTAB toolkit, vectorised over replicates.

Actors hold positions in ``[0, 1]^d`` with per-dimension saliences and a scalar capability.  Each
turn (Wise & Lester's KTAB formulation, as coded in ``examples/smp`` of KTAB, MIT licence):

1. every actor's risk attitude is inferred from how likely its own position is to win a
   probabilistic Condorcet election (PCE) among all positions;
2. every actor picks the target whose challenge promises it the largest expected gain, counting
   third parties' votes, and proposes an interpolated bargain to it;
3. every actor weighs the bargains it is party to (and the status quo) by a PCE among all actors
   over the states those bargains would produce, and adopts its side of the winner;
4. the run stops when the turn's total movement falls below 2 % of the first turn's.

See ``docs/smp.md`` for the equations, parameters and differences from KTAB.  References:
KTAB source (github.com/KAPSARC/KTAB), B. Wise, "Markov Voting with Incentives in KTAB";
Bueno de Mesquita (1994) for the challenge/resistance device shared with the EUM.

Public API: :class:`SMPParams`, :class:`SMPRun`, :func:`simulate`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, TypeVar, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.forecast import _smp_kernels as kern
from detente.forecast._scratch import Scratch
from detente.forecast._smp_kernels import (
    VOTE_CODES,
    BargnModel,
    BigRAdjust,
    BigRRange,
    InterVecBrgn,
    PCEModel,
    StateTransitions,
    ThirdPartyCommit,
    VictoryProbModel,
    VotingRule,
)
from detente.forecast.kernels import compiled_kernel, use_compiled

__all__ = ["SMPParams", "SMPRun", "simulate"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]
Int = NDArray[np.intp]
_A = TypeVar("_A", bound=NDArray[Any])

#: Elements of the largest temporary (n^3-sized tensors are processed in blocks of this size).
_BLOCK = 1 << 14
#: Elements of actor^3 work per replicate chunk (replicates are run chunk by chunk).
_CHUNK = 1 << 20
#: The compiled kernels keep no actor^3 temporaries: chunks of this many actor^2 elements (about
#: 40 float64 tables of that size are alive in a turn: 320 MiB at the default).
_CHUNK_COMPILED = 1 << 20
#: KTAB ``SMPModel::posTol``: positions closer than this (Euclidean, on [0, 1]) are one option.
_POS_TOL = 1e-3
#: KTAB ``configExec``: added to the first turn's movement to avoid 0/0.
_MIN_SIG_DELTA = 1e-4


@functools.cache
def _masks(n: int) -> tuple[Bool, Bool, Int]:
    """``~eye(n)``, the strict lower triangle and ``arange(n)``, made once per actor count.

    Read-only (flags cleared): they are shared by every turn. At a dozen actors a turn's cost is
    the overhead of its NumPy calls, so rebuilding them each turn was not free.
    """
    not_self = ~np.eye(n, dtype=bool)
    earlier = np.tril(np.ones((n, n), dtype=bool), k=-1)
    index = np.arange(n)
    for a in (not_self, earlier, index):
        a.flags.writeable = False
    return not_self, earlier, index


def _rows(m: int) -> Int:
    """``(m, 1)`` replicate indices, to gather one element per (replicate, actor) pair:
    ``a[_rows(m), idx]`` is ``np.take_along_axis(a, idx[..., None], axis=1)[:, :, 0]`` for a 2-D
    ``a`` (and its rows for a 3-D one) without that function's index building."""
    return np.arange(m)[:, None]


_CHOICES: dict[str, object] = {
    "victory_prob_model": VictoryProbModel,
    "pce_model": PCEModel,
    "state_transitions": StateTransitions,
    "voting_rule": VotingRule,
    "big_r_adjust": BigRAdjust,
    "big_r_range": BigRRange,
    "third_party_commit": ThirdPartyCommit,
    "inter_vec_brgn": InterVecBrgn,
    "bargn_model": BargnModel,
}


@dataclass(frozen=True)
class SMPParams:
    """Model parameters, named and valued as KTAB's ``ModelParameters``; defaults are KTAB's.

    Attributes
    ----------
    victory_prob_model : VictoryProbModel
        ``VictoryProbModel``: P(x beats y) from coalition strengths (Linear ``C_xy/(C_xy+C_yx)``,
        Square/Quartic/Octic raise C first, Binary: 10 % more strength wins outright).
    pce_model : PCEModel
        ``PCEModel``: Conditional (``p_x ∝ Π_y P(x>y)``), MarkovUniform, MarkovIncentive.
    state_transitions : StateTransitions
        ``StateTransitions``: Deterministic adopts the likeliest bargain; Stochastic samples it.
    voting_rule : VotingRule
        ``VotingRule`` for coalitions over positions and bargains (Prop: weight x utility gap).
    big_r_adjust : BigRAdjust
        ``BigRAdjust``: how far actor h's estimate of i's risk moves from h's own towards i's.
    big_r_range : BigRRange
        ``BigRRange``: range of risk attitudes, Min [0, 1], Mid [-1/2, 1], Max [-1, 1].
    third_party_commit : ThirdPartyCommit
        ``ThirdPartyCommit``: how far a third party's own position rides with the side it joins.
    inter_vec_brgn : InterVecBrgn
        ``InterVecBrgn``: bargain interpolation weights (S2P2: salience^2 x probability^2).
    bargn_model : BargnModel
        ``BargnModel``: whose perspective forms the bargain (InitOnlyInterp: the initiator's).
    min_turns : int
        Turns always run before the stopping rule applies (KTAB: 2).
    stop_ratio : float
        Stop once a turn moves the actors less than this fraction of the first turn (KTAB: 0.02).
    """

    victory_prob_model: VictoryProbModel = "Linear"
    pce_model: PCEModel = "Conditional"
    state_transitions: StateTransitions = "Deterministic"
    voting_rule: VotingRule = "Prop"
    big_r_adjust: BigRAdjust = "OneThird"
    big_r_range: BigRRange = "Mid"
    third_party_commit: ThirdPartyCommit = "SemiCommit"
    inter_vec_brgn: InterVecBrgn = "S2P2"
    bargn_model: BargnModel = "InitOnlyInterp"
    min_turns: int = 2
    stop_ratio: float = 0.02

    def __post_init__(self) -> None:
        for name, kind in _CHOICES.items():
            value = getattr(self, name)
            allowed = get_args(kind)
            if value not in allowed:
                raise ValueError(f"SMPParams.{name} must be one of {allowed}, not {value!r}")
        if self.min_turns < 1:
            raise ValueError(f"SMPParams.min_turns must be at least 1, not {self.min_turns}")
        if not 0.0 <= self.stop_ratio < 1.0:
            raise ValueError(f"SMPParams.stop_ratio must lie in [0, 1), not {self.stop_ratio}")


@dataclass(frozen=True)
class SMPRun:
    """Trajectories of ``m`` SMP replicates.

    Attributes
    ----------
    positions : ndarray, shape (m, T+1, n, d)
        Actors' positions on [0, 1] at turn 0 (input) to T, T the most turns any replicate took;
        a replicate that stopped earlier repeats its final state.
    turns : ndarray of int, shape (m,)
        Turns each replicate took before its stopping rule fired.
    outcome : ndarray, shape (m, T+1, d)
        The forecast position each turn: the mean of the distinct positions weighted by their
        probability of winning a PCE among all actors (each judging with its own risk-aware
        utilities, KTAB's ``pDist(-1)`` with Prop voting).
    probability : ndarray, shape (m, T+1, n)
        Probability that each actor's position (its group of equal positions) wins that PCE:
        KTAB's "prob" history.  Actors sharing a position show the same value.
    """

    positions: Float
    turns: Int
    outcome: Float
    probability: Float

    @property
    def forecast(self) -> Float:
        """Outcome at each replicate's final turn, shape (m, d)."""
        m = self.turns.shape[0]
        return np.asarray(self.outcome[np.arange(m), self.turns], dtype=np.float64)


class _Actors:
    """Fixed attributes of the actors of a chunk of replicates."""

    # a plain class, not a dataclass: a dataclass compiles its generated methods at every
    # start-up (some 4-5 M instructions each, measured with valgrind)

    __slots__ = ("cap", "compiled", "s_tot", "sal", "sal_sq", "w_p")

    cap: Float  # (m, n) capability
    sal: Float  # (m, n, d) salience per dimension
    sal_sq: Float  # (m, n) sum of squared saliences
    s_tot: Float  # (m, n) total salience (probability a target resists)
    w_p: Float  # (m, n) principal's vote weight s_tot * cap
    compiled: bool  # run the compiled kernels (detente.forecast.kernels) where they apply

    def __init__(
        self,
        cap: Float,
        sal: Float,
        sal_sq: Float,
        s_tot: Float,
        w_p: Float,
        compiled: bool,
    ) -> None:
        self.cap = cap
        self.sal = sal
        self.sal_sq = sal_sq
        self.s_tot = s_tot
        self.w_p = w_p
        self.compiled = compiled

    def take(self, rows: Int) -> _Actors:
        return _Actors(
            self.cap[rows],
            self.sal[rows],
            self.sal_sq[rows],
            self.s_tot[rows],
            self.w_p[rows],
            self.compiled,
        )


class _Assessment:
    """What actors make of one state: distances, risk attitudes, utilities, outcome."""

    # a plain class, not a dataclass: a dataclass compiles its generated methods at every
    # start-up (some 4-5 M instructions each, measured with valgrind)

    __slots__ = ("dist", "outcome", "probability", "risk", "risk_est", "u_own")

    dist: Float  # (m, n, n) d[a, b]: a's ideal (= position) to b's position, a's saliences
    risk: Float  # (m, n) R_a
    risk_est: Float  # (m, n, n) rr[h, a]: h's estimate of a's risk
    u_own: Float  # (m, n, n) u[a, b]: a's own risk-aware utility of b's position
    probability: Float  # (m, n) win probability of each actor's position group
    outcome: Float  # (m, d)

    def __init__(
        self,
        dist: Float,
        risk: Float,
        risk_est: Float,
        u_own: Float,
        probability: Float,
        outcome: Float,
    ) -> None:
        self.dist = dist
        self.risk = risk
        self.risk_est = risk_est
        self.u_own = u_own
        self.probability = probability
        self.outcome = outcome


# --------------------------------------------------------------------------------------------
# Public entry point


def simulate(
    capability: ArrayLike,
    position: ArrayLike,
    salience: ArrayLike,
    *,
    params: SMPParams = SMPParams(),
    max_turns: int = 100,
    rng: np.random.Generator | None = None,
) -> SMPRun:
    """Run the SMP from the given stakeholder table(s) until KTAB's stopping rule fires.

    Parameters
    ----------
    capability : array_like, shape (n,) or (m, n)
        Positive capabilities (any scale; only ratios matter).
    position : array_like, shape (n, d) or (m, n, d)
        Positions on [0, 1] (rescale a 0-100 table by 1/100).
    salience : array_like, shape (n, d) or (m, n, d)
        Saliences on [0, 1]; each actor's saliences sum to more than 0 and at most 1.
    params : SMPParams
        Model options; the defaults are KTAB's.
    max_turns : int
        Upper bound on turns (KTAB: 100).
    rng : numpy.random.Generator, optional
        Used only when ``params.state_transitions == "Stochastic"`` (then required); one child
        generator per replicate is spawned up front, so results do not depend on chunking.

    Returns
    -------
    SMPRun
        Positions, turns, outcome and win probabilities per replicate and turn.
    """
    cap, pos, sal = _validated(capability, position, salience)
    if max_turns < 0:
        raise ValueError(f"max_turns must be non-negative, not {max_turns}")
    gens: list[np.random.Generator] = []
    if params.state_transitions == "Stochastic":
        if rng is None:
            raise ValueError("Stochastic state transitions need an rng")
        gens = list(rng.spawn(cap.shape[0]))
    m, n, _ = pos.shape
    compiled = use_compiled(m * n**3)
    chunk = max(1, _CHUNK_COMPILED // n**2 if compiled else _CHUNK // n**3)
    parts = [
        _run_chunk(
            cap[r0 : r0 + chunk],
            pos[r0 : r0 + chunk],
            sal[r0 : r0 + chunk],
            params,
            max_turns,
            gens[r0 : r0 + chunk],
            compiled,
        )
        for r0 in range(0, m, chunk)
    ]
    return _assemble(parts)


def _validated(
    capability: ArrayLike, position: ArrayLike, salience: ArrayLike
) -> tuple[Float, Float, Float]:
    cap = np.asarray(capability, dtype=np.float64)
    pos = np.asarray(position, dtype=np.float64)
    sal = np.asarray(salience, dtype=np.float64)
    if cap.ndim not in (1, 2) or pos.ndim != cap.ndim + 1 or sal.ndim != cap.ndim + 1:
        raise ValueError(
            "expected capability (n,), position and salience (n, d), or with a leading "
            f"replicate axis; got shapes {cap.shape}, {pos.shape}, {sal.shape}"
        )
    if cap.ndim == 1:
        cap, pos, sal = cap[None], pos[None], sal[None]
    if pos.shape != sal.shape or pos.shape[:2] != cap.shape:
        raise ValueError(f"shapes disagree: {cap.shape}, {pos.shape}, {sal.shape}")
    m, n, d = pos.shape
    if n < 3 or d < 1 or m < 1:
        raise ValueError(f"need at least 3 actors, 1 dimension, 1 replicate; got {(m, n, d)}")
    for name, arr in (("capability", cap), ("position", pos), ("salience", sal)):
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} has non-finite values")
    if (cap <= 0.0).any():
        raise ValueError("every capability must be positive")
    if ((pos < 0.0) | (pos > 1.0)).any():
        raise ValueError("positions must lie in [0, 1] (divide a 0-100 scale by 100)")
    total = sal.sum(axis=-1)
    if (sal < 0.0).any() or (total <= 0.0).any() or (total > 1.0 + 1e-9).any():
        raise ValueError("saliences must be >= 0 and each actor's must sum to (0, 1]")
    return cap, pos, sal


# --------------------------------------------------------------------------------------------
# Turn loop over one chunk of replicates


def _run_chunk(
    cap: Float,
    pos: Float,
    sal: Float,
    params: SMPParams,
    max_turns: int,
    gens: list[np.random.Generator],
    compiled: bool,
) -> tuple[list[Float], Int, list[Float], list[Float]]:
    """Run a chunk of replicates; return per-turn states, outcomes, probabilities and turns."""
    m = cap.shape[0]
    s_tot = sal.sum(axis=-1)
    actors = _Actors(cap, sal, (sal * sal).sum(axis=-1), s_tot, s_tot * cap, compiled)
    x = pos.copy()
    view = _assess(x, actors, params)
    states, outcomes, probs = [x], [view.outcome], [view.probability]
    turns = np.zeros(m, dtype=np.intp)
    first_move = np.zeros(m)
    active = np.arange(m)
    t = 0
    sub = actors
    while active.size and t < max_turns:
        t += 1
        # every replicate still running (always so for a single run): no rows to gather
        whole = active.size == m
        old_x = x if whole else x[active]
        new_x = _step(old_x, view, sub, params, [gens[r] for r in active] if gens else [])
        new_view = _assess(new_x, sub, params)
        # np.linalg.norm's own arithmetic (sqrt of the sum of squares), without its wrapper
        step = new_x - old_x
        moved = np.sqrt(np.add.reduce(step * step, axis=-1)).sum(axis=-1)
        if t == 1:
            first_move[active] = moved + _MIN_SIG_DELTA
        if whole:  # the new arrays are fresh: nothing later writes into them
            x, outcome, prob = new_x, new_view.outcome, new_view.probability
        else:
            x = x.copy()
            x[active] = new_x
            outcome, prob = outcomes[-1].copy(), probs[-1].copy()
            outcome[active], prob[active] = new_view.outcome, new_view.probability
        states.append(x)
        outcomes.append(outcome)
        probs.append(prob)
        turns[active] = t
        quiet = (t >= params.min_turns) & (moved / first_move[active] < params.stop_ratio)
        if quiet.any():
            keep = ~quiet
            active = active[keep]
            view = _take_view(new_view, keep)
            sub = sub.take(np.flatnonzero(keep))
        else:
            view = new_view
    return states, turns, outcomes, probs


def _take_view(view: _Assessment, rows: Bool) -> _Assessment:
    return _Assessment(
        view.dist[rows],
        view.risk[rows],
        view.risk_est[rows],
        view.u_own[rows],
        view.probability[rows],
        view.outcome[rows],
    )


def _assemble(parts: list[tuple[list[Float], Int, list[Float], list[Float]]]) -> SMPRun:
    horizon = max(len(states) for states, _, _, _ in parts)

    def pad(seq: list[Float]) -> Float:
        seq = seq + [seq[-1]] * (horizon - len(seq))
        return np.stack(seq, axis=1)

    positions = np.concatenate([pad(states) for states, _, _, _ in parts], axis=0)
    outcome = np.concatenate([pad(out) for _, _, out, _ in parts], axis=0)
    probability = np.concatenate([pad(pr) for _, _, _, pr in parts], axis=0)
    turns = np.concatenate([tr for _, tr, _, _ in parts])
    return SMPRun(positions, turns, outcome, probability)


# --------------------------------------------------------------------------------------------
# Assessment of a state: risk attitudes (SMPState::setAllAUtil) and outcome (SMPState::pDist)


def _assess(x: Float, actors: _Actors, params: SMPParams) -> _Assessment:
    dist = kern.salience_distance(x, x, actors.sal, actors.sal_sq)
    # kern.utility(dist, 0.0) exactly: (min(d, 1) 0 + 1)(1 - d) is 1 - d bit for bit (d >= 0)
    neutral = 1.0 - dist
    c = _coalitions(params.voting_rule, actors.cap, neutral, actors.compiled)
    p = kern.victory_prob(params.victory_prob_model, c)
    risk = kern.big_r_from_prob(kern.pce(params.pce_model, c, p, None), params.big_r_range)
    risk_est = kern.estimate_risk(risk[:, :, None], risk[:, None, :], params.big_r_adjust)
    own = risk_est.diagonal(axis1=1, axis2=2)
    u_own = kern.utility(dist, own[:, :, None])
    probability, outcome = _outcome(x, actors, u_own, params)
    return _Assessment(dist, risk, risk_est, u_own, probability, outcome)


def _outcome(x: Float, actors: _Actors, u_own: Float, params: SMPParams) -> tuple[Float, Float]:
    """PCE over distinct positions (Prop voting, own risk-aware utilities); expected position."""
    n = x.shape[1]
    diff = x[:, :, None, :] - x[:, None, :, :]
    gap = np.sqrt(np.add.reduce(diff * diff, axis=-1))  # np.linalg.norm's arithmetic
    same = gap < _POS_TOL
    _, earlier, _ = _masks(n)
    unique = ~(same & earlier).any(axis=-1)
    c = _coalitions("Prop", actors.cap, u_own, actors.compiled)
    p = kern.victory_prob(params.victory_prob_model, c)
    prob_unique = kern.pce(params.pce_model, c, p, unique)
    # each actor reports the probability of the last distinct position equivalent to its own
    member = same & unique[:, None, :]
    last = n - 1 - member[:, :, ::-1].argmax(axis=-1)
    probability = prob_unique[_rows(x.shape[0]), last]
    outcome = np.einsum("mu,mud->md", prob_unique, x)
    return probability, outcome


# --------------------------------------------------------------------------------------------
# One turn: challenges, bargains, state transition (SMPState::doBCN)


def _step(
    x: Float,
    view: _Assessment,
    actors: _Actors,
    params: SMPParams,
    gens: list[np.random.Generator],
) -> Float:
    target, has, p_win = _best_targets(view, actors, params)
    offers = _bargains(x, target, has, p_win, view, actors, params)
    return _transition(x, offers, view, actors, params, gens)


def _coalitions(rule: VotingRule, weight: Float, util: Float, compiled: bool) -> Float:
    """:func:`_smp_kernels.coalitions`, or its compiled form (same values within 1e-12)."""
    if compiled and rule in VOTE_CODES:
        m, na, nx = util.shape
        kernel = compiled_kernel("smp_coalitions", m * na * nx * nx)
        return np.asarray(kernel(VOTE_CODES[rule], weight, np.ascontiguousarray(util)))
    return kern.coalitions(rule, weight, util, _BLOCK)


def _best_targets(view: _Assessment, actors: _Actors, params: SMPParams) -> tuple[Int, Bool, Float]:
    """Each initiator's most profitable target, if any gain exceeds 1e-5, and P(i beats it)."""
    m, n = view.dist.shape[:2]
    not_self, _, _ = _masks(n)
    if actors.compiled and params.voting_rule in VOTE_CODES:
        kernel = compiled_kernel("smp_challenges", view.dist.size * n)
        p_win, gain = kernel(
            np.ascontiguousarray(view.dist),
            np.ascontiguousarray(view.dist.swapaxes(1, 2)),
            np.ascontiguousarray(view.risk_est),
            np.ascontiguousarray(actors.w_p),
            np.ascontiguousarray(actors.s_tot),
            VOTE_CODES[params.voting_rule],
            params.third_party_commit == "SemiCommit",
        )
    else:
        p_win, gain = _challenges(view, actors, params, not_self)
    gain = np.where(not_self, gain, -np.inf)
    worth = gain > kern.MIN_GAIN
    target: Int = np.where(worth, gain, -np.inf).argmax(axis=-1)
    has: Bool = np.asarray(worth.any(axis=-1))
    p_target = p_win[_rows(m), _masks(n)[2], target]
    return target, has, p_target


def _challenges(
    view: _Assessment, actors: _Actors, params: SMPParams, not_self: Bool
) -> tuple[Float, Float]:
    """P(i beats j) and i's expected gain from challenging j, (m, n, n) each (NumPy path)."""
    m, n, _ = view.dist.shape
    gain = np.empty((m, n, n))
    p_win = np.empty((m, n, n))
    # u[a, b] under risk r is (1 - d_ab) + (1 - d_ab) min(d_ab, 1) r: linear in r, so the
    # actor^3 utilities of third parties need one multiply-add on two actor^2 tables
    d_t = view.dist.swapaxes(1, 2)
    base_t = 1.0 - d_t
    slope_t = base_t * np.minimum(d_t, 1.0)
    block = max(1, _BLOCK // (m * n * n))
    # the blocks' third-party tensors, allocated once per turn (not for a single block)
    scratch = Scratch() if n > block else None
    for i0 in range(0, n, block):
        i1 = min(n, i0 + block)
        p_win[:, i0:i1], gain[:, i0:i1] = _challenge_block(
            view, actors, params, (i0, i1), (base_t, slope_t, not_self), scratch
        )
    return p_win, gain


def _challenge_block(
    view: _Assessment,
    actors: _Actors,
    params: SMPParams,
    span: tuple[int, int],
    tables: tuple[Float, Float, Bool],
    scratch: Scratch | None,
) -> tuple[Float, Float]:
    """Initiators i0:i1 judge every target j, each from its own perspective (h = i)."""
    i0, i1 = span
    base_t, slope_t, not_self = tables
    d, rr = view.dist, view.risk_est
    rows = np.arange(i0, i1)
    r_i = rr[:, i0:i1, :]  # r_i[i, a] = i's estimate of a's risk
    r_ii = r_i[:, np.arange(i1 - i0), rows]
    diag = d.diagonal(axis1=1, axis2=2)
    u_ii = kern.utility(diag[:, i0:i1], r_ii)
    u_ij = kern.utility(d[:, i0:i1, :], r_ii[..., None])
    u_ji = kern.utility(d.swapaxes(1, 2)[:, i0:i1, :], r_i)
    u_jj = kern.utility(diag[:, None, :], r_i)
    # third party n: u_nj[i, j, n] = utility to n of j's position, risk as i estimates it
    m, n = d.shape[:2]
    full = (m, i1 - i0, n, n)

    def buf(name: str) -> Float | None:
        return None if scratch is None else scratch.get(name, full)

    u_nj = np.multiply(slope_t[:, None, :, :], r_i[:, :, None, :], out=buf("u_nj"))
    u_nj += base_t[:, None, :, :]
    u = (u_ii[..., None], u_ij, u_ji, u_jj, u_ji[:, :, None, :], u_nj, u_jj[:, :, None, :])
    # principals do not vote as third parties: zero weight where n == i or n == j
    third = not_self[None, :, :] & not_self[rows][:, None, :]
    ch_ij, ch_ji = kern.contest(
        params.voting_rule,
        params.third_party_commit,
        u,
        actors.w_p[:, i0:i1, None],
        actors.w_p[:, None, :],
        np.multiply(actors.w_p[:, None, None, :], third, out=buf("w_n")),
        scratch,
    )
    return kern.challenge_gain(ch_ij, ch_ji, u[0], u_ij, actors.s_tot[:, None, :])


def _target_view_prob(view: _Assessment, actors: _Actors, params: SMPParams, target: Int) -> Float:
    """Target j's estimate that initiator i beats it (perspective h = j), shape (m, n)."""
    d, rr = view.dist, view.risk_est
    m, n, _ = d.shape
    i = np.broadcast_to(np.arange(n), (m, n))
    j = target

    def at(a: Float, r: Int, c: Int) -> Float:
        return np.asarray(a[np.arange(m)[:, None], r, c], dtype=np.float64)

    def rows(a: Float, r: Int) -> Float:
        return np.asarray(np.take_along_axis(a, r[..., None], axis=1), dtype=np.float64)

    r_j = rows(rr, j)  # (m, n_i, n): rr[j, a]
    r_ji, r_jj = at(rr, j, i), at(rr, j, j)
    u_ii = kern.utility(at(d, i, i), r_ji)
    u_ij = kern.utility(at(d, i, j), r_ji)
    u_ji = kern.utility(at(d, j, i), r_jj)
    u_jj = kern.utility(at(d, j, j), r_jj)
    d_t = d.swapaxes(1, 2)
    u_ni = kern.utility(rows(d_t, i), r_j)
    u_nj = kern.utility(rows(d_t, j), r_j)
    u_nn = kern.utility(d.diagonal(axis1=1, axis2=2)[:, None, :], r_j)
    idx = np.arange(n)
    third = (idx[None, None, :] != i[..., None]) & (idx[None, None, :] != j[..., None])
    ch_ij, ch_ji = kern.contest(
        params.voting_rule,
        params.third_party_commit,
        (u_ii, u_ij, u_ji, u_jj, u_ni, u_nj, u_nn),
        actors.w_p,
        np.take_along_axis(actors.w_p, j, axis=1),
        actors.w_p[:, None, :] * third,
    )
    return np.asarray(ch_ij / (ch_ij + ch_ji), dtype=np.float64)


class _Offers:
    """Proposed bargains: initiator, receiver and the positions each is to adopt."""

    # a plain class, not a dataclass: a dataclass compiles its generated methods at every
    # start-up (some 4-5 M instructions each, measured with valgrind)

    __slots__ = ("init", "pos_init", "pos_rcvr", "rcvr", "valid")

    init: Int  # (m, Q)
    rcvr: Int  # (m, Q)
    valid: Bool  # (m, Q)
    pos_init: Float  # (m, Q, d)
    pos_rcvr: Float  # (m, Q, d)

    def __init__(
        self,
        init: Int,
        rcvr: Int,
        valid: Bool,
        pos_init: Float,
        pos_rcvr: Float,
    ) -> None:
        self.init = init
        self.rcvr = rcvr
        self.valid = valid
        self.pos_init = pos_init
        self.pos_rcvr = pos_rcvr


def _bargains(
    x: Float,
    target: Int,
    has: Bool,
    p_win: Float,
    view: _Assessment,
    actors: _Actors,
    params: SMPParams,
) -> _Offers:
    m, n, _ = x.shape
    index = _masks(n)[2]
    init = np.broadcast_to(index, (m, n))
    rcvr = np.where(has, target, index)
    rows = _rows(m)
    x_j = x[rows, rcvr]
    s_j = actors.sal[rows, rcvr]

    def interp(p_i: Float) -> tuple[Float, Float]:
        return kern.interpolate(
            params.inter_vec_brgn, x, actors.sal, p_i[..., None], x_j, s_j, 1 - p_i[..., None]
        )

    b_i, b_j = interp(p_win)
    if params.bargn_model == "InitOnlyInterp":
        return _Offers(init, rcvr, has, b_i, b_j)
    c_i, c_j = interp(_target_view_prob(view, actors, params, rcvr))
    if params.bargn_model == "InitRcvrInterp":
        # both perspectives are offered, initiator's first, interleaved per initiator
        return _Offers(
            _interleave(init, init),
            _interleave(rcvr, rcvr),
            _interleave(has, has),
            _interleave(b_i, c_i),
            _interleave(b_j, c_j),
        )
    # PWCompInterp: the two bargains averaged with weights capability x total salience
    w_i = actors.w_p[..., None]
    w_j = np.take_along_axis(actors.w_p, rcvr, axis=1)[..., None]
    comp_i = (w_i * b_i + w_j * c_i) / (w_i + w_j)
    comp_j = (w_i * b_j + w_j * c_j) / (w_i + w_j)
    return _Offers(init, rcvr, has, comp_i, comp_j)


def _interleave(a: _A, b: _A) -> _A:
    """Stack two (m, n, ...) arrays as (m, 2n, ...): a[0], b[0], a[1], b[1], ..."""
    m, n = a.shape[:2]
    return np.stack([a, b], axis=2).reshape(m, 2 * n, *a.shape[2:])  # type: ignore[return-value]


def _transition(
    x: Float,
    offers: _Offers,
    view: _Assessment,
    actors: _Actors,
    params: SMPParams,
    gens: list[np.random.Generator],
) -> Float:
    """Each actor adopts its side of the bargain (or status quo) that wins its own PCE."""
    m, n, _ = x.shape
    value = _option_values(x, offers, view, actors)
    c = _coalitions(params.voting_rule, actors.cap, value, actors.compiled)
    p = kern.victory_prob(params.victory_prob_model, c)
    q = offers.init.shape[1]
    if (
        actors.compiled
        and params.pce_model == "Conditional"
        and params.state_transitions == "Deterministic"
    ):
        choice = compiled_kernel("smp_conditional_choice", 0)(
            np.ascontiguousarray(p),
            np.ascontiguousarray(offers.init),
            np.ascontiguousarray(offers.rcvr),
            np.ascontiguousarray(offers.valid),
            n,
        )
        return _adopt(x, offers, np.asarray(choice, dtype=np.intp))
    member = np.ones((m, n, q + 1), dtype=bool)
    k = np.arange(n)[None, :, None]
    member[:, :, 1:] = offers.valid[:, None, :] & (
        (offers.init[:, None, :] == k) | (offers.rcvr[:, None, :] == k)
    )
    prob = np.empty((m, n, q + 1))
    block = max(1, _BLOCK // (m * (q + 1) ** 2))
    for k0 in range(0, n, block):
        k1 = min(n, k0 + block)
        prob[:, k0:k1] = kern.pce(params.pce_model, c[:, None], p[:, None], member[:, k0:k1])
    if params.state_transitions == "Deterministic":
        choice = np.argmax(prob, axis=-1)
    else:
        draws = np.stack([g.random(n) for g in gens])
        below = np.cumsum(prob, axis=-1) < draws[..., None]
        choice = np.minimum(below.sum(axis=-1), q)
    return _adopt(x, offers, choice)


def _adopt(x: Float, offers: _Offers, choice: Int) -> Float:
    """Each actor's new position: the status quo (choice 0) or its side of bargain choice - 1."""
    m, n = x.shape[:2]
    chosen = np.maximum(choice - 1, 0)
    rows = _rows(m)
    init_k = offers.init[rows, chosen]
    side = np.where(
        (init_k == _masks(n)[2])[..., None],
        offers.pos_init[rows, chosen],
        offers.pos_rcvr[rows, chosen],
    )
    return np.asarray(np.where((choice == 0)[..., None], x, side), dtype=np.float64)


def _option_values(x: Float, offers: _Offers, view: _Assessment, actors: _Actors) -> Float:
    """Utility to each actor of the state after each option, (m, a, 1 + Q); option 0 = SQ.

    The value of a state is the mean utility of all actors' positions in it (KTAB
    ``brgnUtil``); a bargain changes only the positions of its two parties.
    """
    n = x.shape[1]
    total = view.u_own.sum(axis=-1)  # (m, a)
    risk = view.risk[:, :, None]

    def util_of(y: Float) -> Float:
        return kern.utility(kern.salience_distance(x, y, actors.sal, actors.sal_sq), risk)

    m = offers.init.shape[0]
    rows, actor = _rows(m)[:, :, None], _masks(n)[2][None, :, None]
    # u_own[r, a, init[r, q]] for every option q (np.take_along_axis's gather, written out);
    # in place where possible (fewer large temporaries each turn; the same bits)
    kept = np.subtract(total[:, :, None], view.u_own[rows, actor, offers.init[:, None, :]])
    np.subtract(kept, view.u_own[rows, actor, offers.rcvr[:, None, :]], out=kept)
    moved = util_of(offers.pos_init)
    np.add(moved, util_of(offers.pos_rcvr), out=moved)
    value = np.empty((x.shape[0], n, offers.init.shape[1] + 1))
    value[:, :, 0] = total / n
    np.add(moved, kept, out=moved)
    np.divide(moved, n, out=value[:, :, 1:])
    return value
