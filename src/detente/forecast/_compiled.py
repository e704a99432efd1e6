"""Compiled (numba) kernels of the SMP and the EUM; the NumPy code stays the reference.

Imported only when :func:`detente.forecast.kernels.use_compiled` chooses these kernels, so a
process that never needs them never pays numba's import (about 0.3-0.5 s). Each function is the
loop form of one NumPy step, written to do the same floating-point operations on each element;
only the order of the sums over actors differs (a running sum here, NumPy's pairwise sums or BLAS
there), so results agree to about 1e-15 relative and within 1e-12 absolute (tested with
hypothesis in ``tests/forecast/test_compiled.py``). Loops run in parallel (``prange``) over
replicates x actors; every output element is computed by one thread in a fixed order, so the
result does not depend on the number of threads. ``cache=True`` keeps the machine code on disk
(numba's ``__pycache__`` or its user-wide cache), so compilation is paid once per machine.

Vote rules are coded as small integers (``_smp_kernels.VOTE_CODES``): numba compiles on types.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from detente.forecast._smp_kernels import MIN_COALITION, MIN_CONTEST

__all__ = [
    "eum_choose",
    "eum_choose_parallel",
    "eum_vote_spread",
    "eum_vote_spread_into",
    "eum_vote_spread_into_parallel",
    "eum_vote_spread_parallel",
    "smp_challenges",
    "smp_challenges_parallel",
    "smp_coalitions",
    "smp_coalitions_parallel",
    "smp_conditional_choice",
]

Float = NDArray[np.float64]

_BINARY_STEP = 1e-8


@njit(cache=True, inline="always")
def _vote(rule: int, weight: float, du: float) -> float:
    if rule == 0:
        return weight * du
    if rule == 1:
        return weight * (du * du * du)
    if rule == 2:
        return weight * (0.5 * du + 0.5 * (du * du * du))
    binary = min(max(du / _BINARY_STEP, -1.0), 1.0)
    if rule == 3:
        return weight * binary
    return weight * (0.8 * du + 0.2 * binary)


@njit(cache=True, inline="always")
def _utility(dist: float, risk: float) -> float:
    return (1.0 - dist) * (1.0 + min(dist, 1.0) * risk)


@njit(cache=True, inline="always")
def _third_party_range(
    d_j: Float,
    rr: Float,
    w: Float,
    u_n_i: Float,
    u_n_n: Float,
    lo: int,
    hi: int,
    ch_ij: float,
    both: float,
    rule: int,
) -> tuple[float, float]:
    """Votes of third parties ``lo <= k < hi``: (sum of positive parts, sum)."""
    total = 0.0
    positive = 0.0
    for k in range(lo, hi):
        d_kj = d_j[k]
        base = 1.0 - d_kj
        u_nj = base * min(d_kj, 1.0) * rr[k] + base
        u_ni = u_n_i[k]
        u_nn = u_n_n[k]
        c_n = w[k] * (u_ni - u_nj) if rule == 0 else _vote(rule, w[k], u_ni - u_nj)
        p_in = (ch_ij + max(c_n, 0.0)) / (both + abs(c_n))
        e_j = u_nj - u_nn
        gap = p_in * ((u_nn - u_ni) - e_j)
        gap += e_j
        v = w[k] * gap if rule == 0 else _vote(rule, w[k], gap)
        total += v
        positive += max(v, 0.0)
    return positive, total


@njit(cache=True, inline="always")
def _third_parties(
    d_j: Float,
    rr: Float,
    w: Float,
    u_n_i: Float,
    u_n_n: Float,
    i: int,
    j: int,
    ch_ij: float,
    ch_ji: float,
    rule: int,
) -> tuple[float, float]:
    """Third parties' votes on "i beats j" under SemiCommit: (sum of positive parts, sum).

    ``d_j[k]`` is third party k's distance to j's position. The principals i and j vote as
    principals (NumPy gives them zero weight here): the sum runs over the three ranges around
    them, so that each loop is branch-free.
    """
    both = ch_ij + ch_ji
    a, b = min(i, j), max(i, j)
    pos_1, tot_1 = _third_party_range(d_j, rr, w, u_n_i, u_n_n, 0, a, ch_ij, both, rule)
    pos_2, tot_2 = _third_party_range(d_j, rr, w, u_n_i, u_n_n, a + 1, b, ch_ij, both, rule)
    pos_3, tot_3 = _third_party_range(
        d_j, rr, w, u_n_i, u_n_n, b + 1, d_j.shape[0], ch_ij, both, rule
    )
    return pos_1 + pos_2 + pos_3, tot_1 + tot_2 + tot_3


@njit(cache=True)
def _challenge_row(
    d: Float,
    d_t: Float,
    rr: Float,
    w: Float,
    s_tot: Float,
    i: int,
    rule: int,
    semi: bool,
    p_row: Float,
    g_row: Float,
) -> None:
    """Initiator i against every target j, into ``p_row`` and ``g_row`` (one replicate).

    ``d_t`` is ``d`` transposed (contiguous), ``rr[a]`` is i's estimate of a's risk. Third party
    n's utilities ``u_ni``, ``u_nn`` depend on (i, n) only and are computed once per initiator;
    ``u_nj`` is the same multiply-add on two actor^2 tables as in NumPy.
    """
    n = d.shape[0]
    u_n_i = np.empty(n)  # u_ni[n]: utility to n of i's position (risk as i estimates)
    u_n_n = np.empty(n)
    for k in range(n):
        u_n_i[k] = _utility(d_t[i, k], rr[k])
        u_n_n[k] = _utility(d[k, k], rr[k])
    r_ii = rr[i]
    u_ii = _utility(d[i, i], r_ii)
    for j in range(n):
        u_ij = _utility(d[i, j], r_ii)
        c_i = _vote(rule, w[i], u_ii - u_ij)
        c_j = _vote(rule, w[j], u_n_i[j] - u_n_n[j])
        ch_ij = MIN_CONTEST + max(c_i, 0.0) + max(c_j, 0.0)
        ch_ji = MIN_CONTEST + max(-c_i, 0.0) + max(-c_j, 0.0)
        if semi:
            positive, total = _third_parties(d_t[j], rr, w, u_n_i, u_n_n, i, j, ch_ij, ch_ji, rule)
            ch_ij, ch_ji = ch_ij + positive, ch_ji + (positive - total)
        whole = ch_ij + ch_ji
        p_ij = ch_ij / whole
        p_ji = ch_ji / whole
        s_j = s_tot[j]
        eu_vict = u_ii + u_ii
        eu_contest = p_ij * eu_vict + p_ji * (u_ij + u_ij)
        eu_chlg = (1 - s_j) * eu_vict + s_j * eu_contest
        p_row[j] = p_ij
        g_row[j] = eu_chlg - (u_ii + u_ij)


@njit(cache=True)
def smp_challenges(
    dist: Float, dist_t: Float, risk_est: Float, weight: Float, s_tot: Float, rule: int, semi: bool
) -> tuple[Float, Float]:
    """``(p_win, gain)``, each ``(m, n, n)``: every initiator i judging every target j (h = i).

    The loop form of ``smp._challenge_block`` + ``_smp_kernels.contest`` + ``challenge_gain``.
    """
    m, n, _ = dist.shape
    gain = np.empty((m, n, n))
    p_win = np.empty((m, n, n))
    for t in range(m * n):
        r, i = t // n, t % n
        d, d_t, w, s = dist[r], dist_t[r], weight[r], s_tot[r]
        _challenge_row(d, d_t, risk_est[r, i], w, s, i, rule, semi, p_win[r, i], gain[r, i])
    return p_win, gain


@njit(cache=True, parallel=True)
def smp_challenges_parallel(
    dist: Float, dist_t: Float, risk_est: Float, weight: Float, s_tot: Float, rule: int, semi: bool
) -> tuple[Float, Float]:
    """:func:`smp_challenges` with the (replicate, initiator) rows shared among threads."""
    m, n, _ = dist.shape
    gain = np.empty((m, n, n))
    p_win = np.empty((m, n, n))
    for t in prange(m * n):
        r, i = t // n, t % n
        d, d_t, w, s = dist[r], dist_t[r], weight[r], s_tot[r]
        _challenge_row(d, d_t, risk_est[r, i], w, s, i, rule, semi, p_win[r, i], gain[r, i])
    return p_win, gain


@njit(cache=True)
def _coalition_row(rule: int, weight: Float, util: Float, x: int, row: Float) -> None:
    """``row[y] = 1e-8 + sum_a max(0, v_a(x, y))`` for one option x of one replicate."""
    na, nx = util.shape
    row[:] = 0.0
    for a in range(na):
        u = util[a]
        ux = u[x]
        w = weight[a]
        if rule == 0:  # Prop, the default: a branch-free loop
            for y in range(nx):
                row[y] += max(w * (ux - u[y]), 0.0)
        else:
            for y in range(nx):
                row[y] += max(_vote(rule, w, ux - u[y]), 0.0)
    for y in range(nx):
        row[y] = MIN_COALITION + row[y]
    row[x] = MIN_COALITION


@njit(cache=True)
def smp_coalitions(rule: int, weight: Float, util: Float) -> Float:
    """``C[x, y] = 1e-8 + sum_a max(0, v_a(x, y))`` (``_smp_kernels.coalitions``, not ASymProsp).

    ``weight`` ``(m, a)``, ``util`` ``(m, a, x)``; result ``(m, x, x)`` with ``1e-8`` on the
    diagonal.
    """
    m, _, nx = util.shape
    out = np.empty((m, nx, nx))
    for t in range(m * nx):
        r, x = t // nx, t % nx
        _coalition_row(rule, weight[r], util[r], x, out[r, x])
    return out


@njit(cache=True, parallel=True)
def smp_coalitions_parallel(rule: int, weight: Float, util: Float) -> Float:
    """:func:`smp_coalitions` with the (replicate, option) rows shared among threads."""
    m, _, nx = util.shape
    out = np.empty((m, nx, nx))
    for t in prange(m * nx):
        r, x = t // nx, t % nx
        _coalition_row(rule, weight[r], util[r], x, out[r, x])
    return out


@njit(cache=True)
def smp_conditional_choice(
    p: Float, init: NDArray[np.intp], rcvr: NDArray[np.intp], valid: NDArray[np.bool_], n: int
) -> NDArray[np.intp]:
    """Each actor's choice among the status quo (0) and the bargains it is party to.

    The Conditional PCE (``p_x ∝ prod_y P[x, y]`` over the actor's options) followed by the
    deterministic transition (the likeliest option, the first on ties, the first NaN if any, as
    NumPy's ``argmax``), as ``smp._transition`` does. ``p`` ``(m, s, s)`` over ``s = 1 + Q``
    options; ``init``, ``rcvr``, ``valid`` ``(m, Q)``; returns ``(m, n)``. Only the few options
    an actor is party to are visited, not all ``s``.
    """
    m, s, _ = p.shape
    choice = np.zeros((m, n), dtype=np.intp)
    for t in range(m * n):
        r = t // n
        k = t % n
        opts = np.empty(s, dtype=np.intp)
        opts[0] = 0
        count = 1
        for o in range(s - 1):
            if valid[r, o] and (init[r, o] == k or rcvr[r, o] == k):
                opts[count] = o + 1
                count += 1
        prods = np.empty(count)
        total = 0.0
        for a in range(count):
            prod = 1.0
            for b in range(count):
                prod *= p[r, opts[a], opts[b]]
            prods[a] = prod
            total += prod
        best = 0
        best_value = -np.inf
        for a in range(count):
            value = prods[a] / total
            if np.isnan(value):
                best = opts[a]
                break
            if value > best_value:
                best_value = value
                best = opts[a]
        choice[r, k] = best
    return choice


@njit(cache=True)
def _spread_row(dist_r: Float, weight: Float, i: int, row: Float) -> None:
    n = dist_r.shape[0]
    row[:] = 0.0
    for k in range(n):
        e = dist_r[k]
        w = weight[k]
        e_i = e[i] * w
        for j in range(n):
            row[j] += abs(e[j] * w - e_i)


@njit(cache=True)
def eum_vote_spread_into(dist_r: Float, weight: Float, out: Float) -> None:
    """``out[m, i, j] = sum_k w_k |e_kj - e_ki|`` with ``e = dist_r`` (``eum._vote_spread``),
    written into a caller's ``(m, n, n)`` buffer (reused across rounds: no allocation)."""
    m, n, _ = dist_r.shape
    for t in range(m * n):
        r, i = t // n, t % n
        _spread_row(dist_r[r], weight[r], i, out[r, i])


@njit(cache=True, parallel=True)
def eum_vote_spread_into_parallel(dist_r: Float, weight: Float, out: Float) -> None:
    """:func:`eum_vote_spread_into` with the (replicate, actor) rows shared among threads."""
    m, n, _ = dist_r.shape
    for t in prange(m * n):
        r, i = t // n, t % n
        _spread_row(dist_r[r], weight[r], i, out[r, i])


def eum_vote_spread(dist_r: Float, weight: Float) -> Float:
    """:func:`eum_vote_spread_into` into a new array."""
    m, n, _ = dist_r.shape
    out = np.empty((m, n, n))
    eum_vote_spread_into(dist_r, weight, out)
    return out


def eum_vote_spread_parallel(dist_r: Float, weight: Float) -> Float:
    """:func:`eum_vote_spread_into_parallel` into a new array."""
    m, n, _ = dist_r.shape
    out = np.empty((m, n, n))
    eum_vote_spread_into_parallel(dist_r, weight, out)
    return out


#: ``EUMOptions.offer_choice`` as the integer the kernel compiles on.
OFFER_CODES = {"scholz_code": 0, "least_move": 1, "largest_eu": 2}


_NONE, _CAPITULATION, _COMPROMISE, _CONFLICT = 0, 1, 2, 3


@njit(cache=True, inline="always")
def _offer_kind(aj: float, bj: float, capitulate: bool) -> int:
    """What ``j`` offers ``i`` (``eum._offers``; the kinds exclude one another by sign)."""
    if bj > aj and aj > 0.0:
        return _CONFLICT
    if bj > 0.0 and aj < 0.0:
        if bj > abs(aj):
            return _COMPROMISE
        if capitulate and bj < abs(aj):
            return _CAPITULATION
    return _NONE


@njit(cache=True, inline="always")
def _largest_gain(a: Float, b: Float, x: Float, i: int, capitulate: bool) -> float:
    best = -np.inf
    for j in range(x.shape[0]):
        if x[i] != x[j] and _offer_kind(a[j], b[j], capitulate) != _NONE and b[j] > best:
            best = b[j]
    return best


@njit(cache=True)
def _choose_row(a: Float, b: Float, x: Float, i: int, choice: int, capitulate: bool) -> float:
    """Actor ``i``'s new position: ``eum._choose`` for one row, offer by offer.

    The same floating-point operations as the NumPy code on each (i, j) element (``towards``,
    the keys), and the same choice: the first ``j`` with the least key (``np.argmin``), a
    conflict over a compromise over a capitulation; ``largest_eu`` (code 2) keeps the offers
    whose sender's ``b`` is the largest, then the least movement. So the result is bit-identical.
    """
    xi: float = x[i]
    best_gain = _largest_gain(a, b, x, i, capitulate) if choice == 2 else -np.inf
    # the best offer of each kind so far (scalars: no allocation per row); largest_eu pools all
    # its offers in the conflict slot
    has_con, key_con, pos_con = False, np.inf, xi
    has_com, key_com, pos_com = False, np.inf, xi
    has_cap, key_cap, pos_cap = False, np.inf, xi
    for j in range(x.shape[0]):
        aj, bj, xj = a[j], b[j], x[j]
        kind = _NONE if xi == xj else _offer_kind(aj, bj, capitulate)
        if kind == _NONE or (choice == 2 and bj != best_gain):
            continue
        target = xi + (xj - xi) * abs(aj / bj) if kind == _COMPROMISE else xj
        key = abs(target - xi)
        if choice == 0 and kind == _COMPROMISE:
            abs_a, abs_b = abs(aj), abs(bj)
            key = (abs_a * xi + abs_b * xj) / (abs_a + abs_b)
        if choice == 2 or kind == _CONFLICT:
            if not has_con or key < key_con:
                has_con, key_con, pos_con = True, key, target
        elif kind == _COMPROMISE:
            if not has_com or key < key_com:
                has_com, key_com, pos_com = True, key, target
        elif not has_cap or key < key_cap:
            has_cap, key_cap, pos_cap = True, key, target
    if has_con:
        return pos_con
    return pos_com if has_com else pos_cap


@njit(cache=True)
def eum_choose(a: Float, b: Float, x: Float, choice: int, capitulate: bool) -> Float:
    """``(m, n)`` new positions from ``a``, ``b`` ``(m, n, n)`` and ``x`` ``(m, n)``
    (``eum._choose``; ``choice`` from :data:`OFFER_CODES`, ``capitulate``: as published)."""
    m, n = x.shape
    out = np.empty((m, n))
    for t in range(m * n):
        r, i = t // n, t % n
        out[r, i] = _choose_row(a[r, i], b[r, i], x[r], i, choice, capitulate)
    return out


@njit(cache=True, parallel=True)
def eum_choose_parallel(a: Float, b: Float, x: Float, choice: int, capitulate: bool) -> Float:
    """:func:`eum_choose` with the (replicate, actor) rows shared among threads."""
    m, n = x.shape
    out = np.empty((m, n))
    for t in prange(m * n):
        r, i = t // n, t % n
        out[r, i] = _choose_row(a[r, i], b[r, i], x[r], i, choice, capitulate)
    return out
