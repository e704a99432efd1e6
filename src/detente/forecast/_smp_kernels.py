"""Array kernels of the Spatial Model of Politics (private to :mod:`detente.forecast.smp`).

Every function works on a leading batch axis ``m`` (Monte Carlo replicates) and is written after
the equations of KAPSARC's KTAB toolkit (``examples/smp/libsrc/smp.cpp``, ``smpbcn.cpp`` and
``KTAB/kmodel/libsrc/kmodel.cpp``, MIT licence), re-derived here in vectorised form.  The order of
floating-point operations follows KTAB where that is cheap, so that discrete choices (targets,
bargains) agree with the reference runs; sums over actors use NumPy's reductions instead of
KTAB's running sums, which differ only in the last bits.

Index names: ``a``/``k`` voting actor, ``h`` the actor whose perspective (risk estimates) is used,
``i`` initiator of a challenge, ``j`` its target, ``n`` a third party, ``x``/``y`` options.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.forecast._scratch import Scratch

__all__ = [
    "VOTE_CODES",
    "BargnModel",
    "BigRAdjust",
    "BigRRange",
    "InterVecBrgn",
    "PCEModel",
    "StateTransitions",
    "ThirdPartyCommit",
    "VictoryProbModel",
    "VotingRule",
]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]
Int = NDArray[np.intp]

VotingRule = Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"]
VictoryProbModel = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
PCEModel = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]
StateTransitions = Literal["Deterministic", "Stochastic"]
BigRAdjust = Literal["None", "OneThird", "Half", "TwoThirds", "Full"]
BigRRange = Literal["Min", "Mid", "Max"]
ThirdPartyCommit = Literal["NoCommit", "SemiCommit", "FullCommit"]
InterVecBrgn = Literal["S1P1", "S2P2", "S2PMax"]
BargnModel = Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"]

# Small constants of KTAB, named after their role there.
MIN_COALITION = 1e-8  # Model::coalitions: floor of every coalition strength (avoids 0/0)
MIN_CONTEST = 1e-10  # SMPState::probEduChlg: floor of the principals' coalitions
BINARY_STEP = 1e-8  # Model::vote: utility gap that already counts as a full binary vote
MIN_GAIN = 1e-5  # SMPState::bestChallenge: smallest expected gain worth a challenge
MIN_BARGAIN_WEIGHT = 1e-6  # SMPActor::interpBrgn*: keeps 0/0 out of the interpolation
BINARY_VP_THRESHOLD = 1.10  # Model::vProb Binary: 10 % more strength wins outright
BINARY_VP_MIN = 1e-6
MARKOV_MAX_ITER = 1000

#: Vote rules as the integer codes of the compiled kernels (``_compiled._vote``); ASymProsp, whose
#: coalitions are asymmetric, has no compiled form.
VOTE_CODES: dict[str, int] = {"Prop": 0, "Cubic": 1, "PropCbc": 2, "Binary": 3, "PropBin": 4}


# --------------------------------------------------------------------------------------------
# Reused buffers


# --------------------------------------------------------------------------------------------
# Utilities and distances


def salience_distance(ideal: Float, pos: Float, sal: Float, sal_sq_sum: Float) -> Float:
    """Salience-weighted normalised distance, ``d[a, b]`` from ``ideal[a]`` to ``pos[b]``.

    ``sqrt(sum_k (s_ak (x_ak - y_bk))^2 / sum_k s_ak^2)`` (KTAB ``SMPModel::bvDiff``); inputs
    ``(m, n, d)``, ``(m, p, d)``, ``(m, n, d)``, ``(m, n)``; result ``(m, n, p)`` in [0, 1].
    """
    # in place where the shapes allow: fewer large temporaries to allocate and free every turn
    # (each one a fresh mapping, and fresh page faults, once glibc's thresholds are fixed, as
    # in Dask's workers); the same operations on the same elements, so the same bits
    weighted = np.subtract(ideal[:, :, None, :], pos[:, None, :, :])
    np.multiply(weighted, sal[:, :, None, :], out=weighted)
    num = np.einsum("mapk,mapk->map", weighted, weighted)
    np.divide(num, sal_sq_sum[:, :, None], out=num)
    return np.asarray(np.sqrt(num, out=num), dtype=np.float64)


def utility(dist: Float, risk: Float | float) -> Float:
    """KTAB's risk-adjusted utility ``(1 - d)(1 + d R)``; beyond ``d = 1`` the slope is kept.

    ``R`` in [-1, 1]; positive R is risk-averse (concave), negative risk-acceptant.
    """
    # (1 + c r)(1 - d) written in place (products and sums commute bit for bit in IEEE 754)
    term = np.minimum(dist, 1.0)
    if _fits(term.shape, getattr(risk, "shape", ())):
        np.multiply(term, risk, out=term)
    else:  # risk spans more axes than dist: a new array of the broadcast shape
        term = np.multiply(term, risk)
    np.add(term, 1.0, out=term)
    return np.asarray(np.multiply(term, 1.0 - dist, out=term), dtype=np.float64)


def _fits(shape: tuple[int, ...], other: tuple[int, ...]) -> bool:
    """Whether ``other`` broadcasts to ``shape`` without growing it (``np.broadcast_shapes``
    without its cost, which at a dozen actors is a tenth of a call to :func:`utility`)."""
    if other == shape or not other:
        return True
    return len(other) <= len(shape) and all(
        b in (1, a) for a, b in zip(shape[::-1], other[::-1], strict=False)
    )


def estimate_risk(r_h: Float, r_i: Float, adjust: BigRAdjust) -> Float:
    """Actor h's estimate of actor i's risk attitude (KTAB ``Model::estNRA``)."""
    if adjust == "Full":
        return np.asarray(r_i + 0.0 * r_h, dtype=np.float64)
    if adjust == "TwoThirds":
        return np.asarray((r_h + 2.0 * r_i) / 3.0, dtype=np.float64)
    if adjust == "Half":
        return np.asarray((r_h + r_i) / 2, dtype=np.float64)
    if adjust == "OneThird":
        return np.asarray((2.0 * r_h + r_i) / 3.0, dtype=np.float64)
    return np.asarray(r_h + 0.0 * r_i, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Votes, coalitions, victory probabilities, probabilistic Condorcet elections


def vote(rule: VotingRule, weight: Float | float, du: Float, out: Float | None = None) -> Float:
    """An actor's vote for option x over y given ``du = u(x) - u(y)`` (KTAB ``Model::vote``).

    ``out`` (optional, of the broadcast shape) receives a Prop vote; the other rules, several
    operations each, return a new array whatever ``out`` is.
    """
    if rule == "Prop":
        return np.asarray(np.multiply(weight, du, out=out), dtype=np.float64)
    if rule == "Cubic":
        return np.asarray(weight * (du * du * du), dtype=np.float64)
    if rule == "PropCbc":
        return np.asarray(weight * (0.5 * du + 0.5 * (du * du * du)), dtype=np.float64)
    if rule == "ASymProsp":
        # losses count fully, gains by two thirds (prospect-theory asymmetry)
        gains = (2.0 * weight * du) / 3.0
        return np.asarray(np.where(du < 0.0, weight * du, np.where(du > 0.0, gains, 0.0)))
    binary = np.clip(du / BINARY_STEP, -1.0, 1.0)
    if rule == "Binary":
        return np.asarray(weight * binary, dtype=np.float64)
    return np.asarray(weight * (0.8 * du + 0.2 * binary), dtype=np.float64)  # PropBin


def coalitions(rule: VotingRule, weight: Float, util: Float, budget: int) -> Float:
    """Coalition strengths ``C[x, y] = 1e-8 + sum_a max(0, v_a(x, y))`` (``Model::coalitions``).

    ``weight`` ``(m, a)``, ``util`` ``(m, a, x)``; result ``(m, x, x)``.  As in KTAB only the
    votes of the lower triangle (x > y) are cast; the upper triangle collects their negative
    parts, which matters for the asymmetric ASymProsp rule only.  Blocks over x keep the
    ``(m, a, x, y)`` vote tensor within ``budget`` elements.
    """
    m, na, nx = util.shape
    out = np.empty((m, nx, nx))
    neg_out = np.empty((m, nx, nx)) if rule == "ASymProsp" else out
    block = max(1, budget // max(1, m * na * nx))
    # one block of utility gaps, reused by every block of this call (a single block, as for a
    # small table, allocates its own: the scratch's bookkeeping would only cost)
    scratch = Scratch() if nx > block else None
    for x0 in range(0, nx, block):
        x1 = min(nx, x0 + block)
        shape = (m, na, x1 - x0, nx)
        du = np.subtract(
            util[:, :, x0:x1, None],
            util[:, :, None, :],
            out=None if scratch is None else scratch.get("du", shape),
        )
        if rule == "Prop":
            # w > 0, so max(0, w du) = w max(0, du): one batched matrix-vector product
            np.maximum(du, 0.0, out=du)
            pos = np.matmul(weight[:, None, :], du.reshape(m, na, -1)).reshape(m, x1 - x0, nx)
            out[:, x0:x1, :] = MIN_COALITION + pos
            continue
        votes = vote(rule, weight[:, :, None, None], du)
        out[:, x0:x1, :] = MIN_COALITION + np.maximum(votes, 0.0).sum(axis=1)
        if rule == "ASymProsp":
            neg_out[:, x0:x1, :] = MIN_COALITION + np.maximum(-votes, 0.0).sum(axis=1)
    if rule == "ASymProsp":
        # KTAB casts only the votes of pairs x > y; C[y, x] collects their negative parts
        upper = np.arange(nx)[:, None] < np.arange(nx)[None, :]
        out = np.where(upper, neg_out.swapaxes(-1, -2), out)
    diag = np.arange(nx)
    out[:, diag, diag] = MIN_COALITION
    return out


def victory_prob(model: VictoryProbModel, c: Float) -> Float:
    """Pairwise victory probabilities ``P[x, y]`` from coalitions (``Model::vProb``)."""
    ct = c.swapaxes(-1, -2)
    if model == "Binary":
        r12 = c / (c + ct)
        p12 = (r12 * (BINARY_VP_THRESHOLD + 1.0) - 1.0) / (BINARY_VP_THRESHOLD - 1.0)
        x1 = np.where(c >= BINARY_VP_THRESHOLD * ct, 1.0, p12)
        x1 = np.where(ct >= BINARY_VP_THRESHOLD * c, BINARY_VP_MIN, x1)
        x2 = np.where(c >= BINARY_VP_THRESHOLD * ct, BINARY_VP_MIN, 1.0 - p12)
        x2 = np.where(ct >= BINARY_VP_THRESHOLD * c, 1.0, x2)
        p_low = x1 / (x1 + x2)
        p_up = np.swapaxes(x2 / (x1 + x2), -1, -2)
        n = c.shape[-1]
        lower = np.arange(n)[:, None] > np.arange(n)[None, :]
        p = np.where(lower, p_low, p_up)
    else:
        power = {"Linear": 1, "Square": 2, "Quartic": 4, "Octic": 8}[model]
        x = c if power == 1 else c**power
        p = np.add(x, x.swapaxes(-1, -2))
        np.divide(x, p, out=p)
    n = c.shape[-1]
    p[..., np.arange(n), np.arange(n)] = 0.5
    return np.asarray(p, dtype=np.float64)


def pce(model: PCEModel, c: Float, p: Float, mask: Bool | None) -> Float:
    """Probabilistic Condorcet election over the options flagged in ``mask``.

    ``c`` and ``p`` ``(..., s, s)`` coalitions and victory probabilities, ``mask`` ``(..., s)``
    (``None``: every option); returns the probability of each option (0 outside the mask),
    summing to 1. Conditional: ``p_x ∝ prod_y P[x, y]`` (``Model::condPCE``); the Markov forms
    iterate a challenge process to its fixed point (``markovUniformPCE``, ``markovIncentivePCE``).
    """
    if model == "Conditional" and mask is None:
        # the masked form below with every option in: the same product and sum, two fewer calls
        prod = p.prod(axis=-1)
        return np.asarray(prod / prod.sum(axis=-1, keepdims=True), dtype=np.float64)
    if mask is None:
        mask = np.ones(p.shape[:-1], dtype=bool)
    if model == "Conditional":
        prod = np.where(mask[..., None, :], p, 1.0).prod(axis=-1)
        prod = np.where(mask, prod, 0.0)
        return np.asarray(prod / prod.sum(axis=-1, keepdims=True), dtype=np.float64)
    if model == "MarkovUniform":
        return _markov_uniform(p, mask)
    return _markov_incentive(c, p, mask)


def _markov_uniform(p: Float, mask: Bool) -> Float:
    both = mask[..., :, None] & mask[..., None, :]
    count = mask.sum(axis=-1, keepdims=True).astype(np.float64)
    prob = np.where(mask, 1.0 / count, 0.0)
    pm = np.where(both, p, 0.0)
    done = np.zeros(mask.shape[:-1], dtype=bool)
    for _ in range(MARKOV_MAX_ITER):
        q = (pm * (prob[..., :, None] + prob[..., None, :])).sum(axis=-1) / count
        change = np.abs(q - prob).max(axis=-1)
        prob = np.where(done[..., None], prob, (prob + q) / 2.0)
        done |= change <= 1e-6
        if done.all():
            break
    return prob


def _markov_incentive(c: Float, p: Float, mask: Bool) -> Float:
    both = mask[..., :, None] & mask[..., None, :]
    s = mask.shape[-1]
    incentive = c * p + np.where(np.eye(s, dtype=bool), 1e-10, 0.0)
    incentive = np.where(both, incentive, 0.0)
    col = incentive.sum(axis=-2, keepdims=True)
    challenge = np.where(both, incentive / np.where(col > 0.0, col, 1.0), 0.0)
    count = mask.sum(axis=-1, keepdims=True).astype(np.float64)
    prob = np.where(mask, 1.0 / count, 0.0)
    pm = np.where(both, p, 0.0)
    done = np.zeros(mask.shape[:-1], dtype=bool)
    chal_t = challenge.swapaxes(-1, -2)
    for _ in range(MARKOV_MAX_ITER):
        ct = prob[..., :, None] * chal_t  # ct[i, j] = p_i * challenge[j, i]
        q = (pm * (ct + ct.swapaxes(-1, -2))).sum(axis=-1)
        change = np.abs(q - prob).max(axis=-1)
        prob = np.where(done[..., None], prob, (prob + q) / 2.0)
        done |= change <= 1e-8
        if done.all():
            break
    return prob


def big_r_from_prob(prob: Float, rng_mode: BigRRange) -> Float:
    """Risk attitudes from win probabilities (``Model::bigRfromProb``): likelier is warier.

    Where every position is equally likely KTAB divides 0 by 0; here R = 0 (risk neutral).
    """
    p_min = prob.min(axis=-1, keepdims=True)
    p_max = prob.max(axis=-1, keepdims=True)
    span = p_max - p_min
    safe = np.where(span > 0.0, span, 1.0)
    if rng_mode == "Min":
        r = (prob - p_min) / safe
    elif rng_mode == "Mid":
        r = (3 * prob - (p_max + 2 * p_min)) / (2 * safe)
    else:
        r = (2 * prob - (p_max + p_min)) / safe
    return np.asarray(np.where(span > 0.0, r, 0.0), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Challenges: who would gain by challenging whom


def contest(
    rule: VotingRule,
    commit: ThirdPartyCommit,
    u: tuple[Float, Float, Float, Float, Float, Float, Float],
    w_i: Float,
    w_j: Float,
    w_n: Float,
    scratch: Scratch | None = None,
) -> tuple[Float, Float]:
    """Coalition strengths for and against "i beats j" as seen by one estimator h.

    ``u = (u_ii, u_ij, u_ji, u_jj, u_ni, u_nj, u_nn)`` are h's estimates of the utilities; the last
    three carry a trailing third-party axis.  The principals vote with weight ``s c`` (total
    salience times capability); each third party n first judges the "little" contest i:j with
    itself added (``Actor::vProbLittle``) and then votes between "i with n's support beats j" and
    "i beats j with n's support" (``Actor::thirdPartyVoteSU``).  ``w_n`` must be 0 where n is i
    or j (they vote as principals).

    The two lotteries n compares differ only in where n's own position goes: with
    ``e_i = u(i and n beat j) - u(i beats j and n)`` and ``e_j`` likewise for j, the utility gap
    is ``p_in e_i + (1 - p_in) e_j``.  Under NoCommit and FullCommit both are exactly zero, so
    (as in KTAB) third parties then add nothing; under SemiCommit ``e_i = u_nn - u_ni`` and
    ``e_j = u_nj - u_nn``.

    With ``scratch``, the third-party tensors (of ``w_n``'s shape, which must then be the
    broadcast shape of ``w_n``, ``u_ni`` and ``u_nj``) are written into its buffers: the same
    operations in the same order, so the same bits, without a fresh allocation per block.
    """
    u_ii, u_ij, u_ji, u_jj, u_ni, u_nj, u_nn = u
    c_i = vote(rule, w_i, u_ii - u_ij)
    c_j = vote(rule, w_j, u_ji - u_jj)
    ch_ij = MIN_CONTEST + np.maximum(c_i, 0.0) + np.maximum(c_j, 0.0)
    ch_ji = MIN_CONTEST + np.maximum(-c_i, 0.0) + np.maximum(-c_j, 0.0)
    if commit != "SemiCommit":
        return ch_ij, ch_ji

    def buf(name: str) -> Float | None:  # w_n has the third-party tensors' (full) shape
        return None if scratch is None else scratch.get(name, w_n.shape)

    c_n = vote(rule, w_n, np.subtract(u_ni, u_nj, out=buf("du")), out=buf("c_n"))
    a_ij = ch_ij[..., None]
    # p_in = (a_ij + max(c_n, 0)) / ((a_ij + ch_ji) + |c_n|), each step as written
    p_in = np.maximum(c_n, 0.0, out=buf("num"))
    np.add(a_ij, p_in, out=p_in)
    den = np.abs(c_n, out=buf("den"))
    np.add(a_ij + ch_ji[..., None], den, out=den)
    np.divide(p_in, den, out=p_in)
    e_j = np.subtract(u_nj, u_nn, out=buf("e_j"))
    gap = np.subtract(u_nn - u_ni, e_j, out=den)  # (u_nn - u_ni) - e_j; den is spent
    np.multiply(p_in, gap, out=gap)
    gap += e_j
    v_n = vote(rule, w_n, gap, out=None if scratch is None else c_n)  # c_n is spent
    total = v_n.sum(axis=-1)
    np.maximum(v_n, 0.0, out=v_n)
    gain = v_n.sum(axis=-1)
    return ch_ij + gain, ch_ji + (gain - total)


def challenge_gain(
    ch_ij: Float, ch_ji: Float, u_ii: Float, u_ij: Float, s_j: Float
) -> tuple[Float, Float]:
    """Victory probability of i over j and i's expected gain from challenging j.

    The target resists with probability equal to its total salience ``s_j``; otherwise it gives
    in (``SMPState::probEduChlg``).  Utilities are sums over the two positions involved.
    """
    total = ch_ij + ch_ji
    p_ij = ch_ij / total
    p_ji = ch_ji / total
    eu_sq = u_ii + u_ij
    eu_vict = u_ii + u_ii
    eu_contest = p_ij * eu_vict + p_ji * (u_ij + u_ij)
    eu_chlg = (1 - s_j) * eu_vict + s_j * eu_contest
    return p_ij, eu_chlg - eu_sq


# --------------------------------------------------------------------------------------------
# Bargains


def _round4(x: Float) -> Float:
    """KTAB rounds interpolated bargains to 4 decimals, half up (positions are >= 0)."""
    return np.asarray(np.floor(0.5 + x * 10000.0) / 10000.0, dtype=np.float64)


def interpolate(
    how: InterVecBrgn,
    t_i: Float,
    s_i: Float,
    p_i: Float,
    t_j: Float,
    s_j: Float,
    p_j: Float,
) -> tuple[Float, Float]:
    """Bargained positions of i and j, dimension by dimension (``SMPActor::interpolateBrgn``).

    S1P1 / S2P2 weight each side by ``s^n P^n`` (n = 1, 2) and round to 4 decimals; S2PMax moves
    only the likely loser, by how much likelier the winner is.
    """
    if how == "S2PMax":
        d_i = np.maximum(p_j - p_i, 0.0)
        d_j = np.maximum(p_i - p_j, 0.0)
        si2 = s_i * s_i
        sj2 = s_j * s_j
        m_i = (d_i * sj2) / ((d_i * sj2) + MIN_BARGAIN_WEIGHT + ((1 - d_i) * si2))
        m_j = (d_j * si2) / ((d_j * si2) + MIN_BARGAIN_WEIGHT + ((1 - d_j) * sj2))
        return t_i + m_i * (t_j - t_i), t_j + m_j * (t_i - t_j)
    if how == "S2P2":
        w_i = (s_i * s_i) * (p_i * p_i)
        w_j = (s_j * s_j) * (p_j * p_j)
    else:
        w_i = s_i * p_i
        w_j = s_j * p_j
    den = w_i + MIN_BARGAIN_WEIGHT + w_j
    b_i = _round4(((w_i + MIN_BARGAIN_WEIGHT) * t_i + w_j * t_j) / den)
    b_j = _round4((w_i * t_i + (MIN_BARGAIN_WEIGHT + w_j) * t_j) / den)
    return b_i, b_j
