"""Voting power in weighted voting games: Shapley-Shubik and Banzhaf indices, veto players.

A weighted voting game ``[q; w_1, ..., w_n]`` (Felsenthal & Machover 1998, *The Measurement of
Voting Power*, ch. 2) makes a coalition ``S`` winning iff ``w(S) = sum_{i in S} w_i >= q``. Here the
quota ``q`` is an **absolute** number of votes, as in the literature (EEC Council 1958:
``[12; 4, 4, 4, 2, 2, 1]``), unlike the *share* quotas of :mod:`detente.institutions.rules`.

Player ``i`` *swings* for a coalition ``S`` not containing it if ``S`` loses and ``S + i`` wins,
i.e. ``q - w_i <= w(S) < q``.

* **Banzhaf** (Penrose 1946; Banzhaf 1965, *Rutgers Law Review* 19:317-343): ``eta_i`` = number of
  swings; the normalised index is ``beta_i = eta_i / sum_j eta_j`` and the absolute measure
  ``eta_i / 2**(n-1)``.
* **Shapley-Shubik** (Shapley & Shubik 1954, *APSR* 48:787-792): the share of the ``n!`` orderings
  in which ``i`` is pivotal, ``phi_i = sum_{swings S} |S|! (n - 1 - |S|)! / n!``.
* A **veto player** belongs to every winning coalition: ``w(N) - w_i < q``.

Both indices are computed exactly by dynamic programming over the other players' weights (the
generating-function method; Brams & Affuso 1976; Matsui & Matsui 2000, *J. Oper. Res. Soc. Japan*
43:71-86): counting the coalitions of each weight below ``q`` (and, for Shapley-Shubik, of each
size) costs ``O(n q)`` (``O(n**2 q)``) per player instead of ``2**n``. Counts are exact integers
(int64), which bounds the number of players at 62.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["MAX_PLAYERS", "banzhaf", "shapley_shubik", "veto_players"]

MAX_PLAYERS = 62
"""Largest game handled: swing counts up to ``2**61`` must fit in a signed 64-bit integer."""

_EPS = 1e-9


def _game(weights: ArrayLike, quota: float) -> tuple[list[int], int]:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty 1-D array")
    if w.size > MAX_PLAYERS:
        raise ValueError(f"at most {MAX_PLAYERS} players are supported, got {w.size}")
    if not np.isfinite(w).all() or (w < 0).any() or (w != np.round(w)).any():
        raise ValueError("weights must be non-negative integers")
    total = int(w.sum())
    q = math.ceil(quota - _EPS)
    if not 0 < quota <= total:
        raise ValueError(f"quota must lie in (0, total weight {total}], got {quota!r}")
    return [int(x) for x in w], q


def _coalition_counts(weights: list[int], q: int, i: int, by_size: bool) -> NDArray[np.int64]:
    """Losing coalitions of the players other than ``i``, by weight (and size): (n or 1, q)."""
    n = len(weights)
    counts = np.zeros((n if by_size else 1, q), dtype=np.int64)
    counts[0, 0] = 1  # the empty coalition
    for j, wj in enumerate(weights):
        if j == i or wj >= q:
            continue  # a player of weight >= q turns every coalition it joins into a winner
        # Coalitions that add j gain w_j in weight (and one member); those reaching q drop out.
        if by_size:
            counts[1:, wj:] += counts[:-1, : q - wj].copy()
        else:
            counts[0, wj:] += counts[0, : q - wj].copy()
    return counts


def banzhaf(weights: ArrayLike, quota: float, *, normalised: bool = True) -> NDArray[np.float64]:
    """Banzhaf index of each player of ``[quota; weights]``.

    Parameters
    ----------
    weights:
        Non-negative integer votes, shape ``(n,)``, ``n <= 62``.
    quota:
        Absolute number of votes a coalition needs, ``0 < quota <= sum(weights)``.
    normalised:
        True: ``eta_i / sum_j eta_j`` (sums to 1). False: the absolute Banzhaf measure
        ``eta_i / 2**(n-1)``, the probability that ``i`` is decisive when everyone else votes
        yes or no with probability 1/2.
    """
    w, q = _game(weights, quota)
    eta = np.zeros(len(w), dtype=np.float64)
    for i, wi in enumerate(w):
        by_weight = _coalition_counts(w, q, i, by_size=False)[0]
        eta[i] = float(by_weight[max(0, q - wi) :].sum()) if wi > 0 else 0.0
    scale = float(eta.sum()) if normalised else 2.0 ** (len(w) - 1)
    return eta / scale


def shapley_shubik(weights: ArrayLike, quota: float) -> NDArray[np.float64]:
    """Shapley-Shubik index of each player of ``[quota; weights]`` (sums to 1).

    Parameters as for :func:`banzhaf`.
    """
    w, q = _game(weights, quota)
    n = len(w)
    # Weight of a swing by a coalition of size s: s! (n-1-s)! / n! = 1 / (n * C(n-1, s)).
    size_weight = np.array([1.0 / (n * math.comb(n - 1, s)) for s in range(n)])
    phi = np.zeros(n, dtype=np.float64)
    for i, wi in enumerate(w):
        if wi == 0:
            continue  # a player with no votes never turns a loser into a winner
        swings_by_size = _coalition_counts(w, q, i, by_size=True)[:, max(0, q - wi) :].sum(axis=1)
        phi[i] = float(swings_by_size.astype(np.float64) @ size_weight)
    return phi


def veto_players(weights: ArrayLike, quota: float) -> NDArray[np.bool_]:
    """Boolean mask of the players in every winning coalition: ``sum(w) - w_i < quota``.

    Under unanimity (``quota = sum(weights)`` with positive weights) every player has a veto.
    """
    w, _ = _game(weights, quota)
    arr = np.asarray(w, dtype=np.float64)
    return np.asarray(arr.sum() - arr < quota - _EPS)
