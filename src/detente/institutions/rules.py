"""Decision rules: the probability that a body says yes, from its members' acceptance probabilities.

Each member ``i`` accepts independently with probability ``p_i`` (from
:func:`detente.institutions.acceptance.p_accept`). A rule maps the vector ``p`` to the probability
that the yes-side reaches the rule's threshold. Members lie along the **last axis**; any leading
axes (Monte Carlo runs, parameter grids) are carried through, so a rule maps shape ``(..., n)`` to
shape ``(...)``.

The yes-count of independent, non-identical Bernoulli members follows the Poisson-binomial
distribution (Wang 1993, *Statistica Sinica* 3:295-312); with integer vote weights the yes-*weight*
follows its weighted analogue. Both are computed exactly here by dynamic programming over the
members (adding one member convolves the distribution with a two-point law), which costs
``O(n · W)`` per decision for total weight ``W``: no enumeration of the ``2**n`` yes-sets.

Rules (``q`` a share of members or of weight, ``X_i`` the yes-indicator of member ``i``):

* ``consensus``: every member must accept, ``P = prod_i p_i`` (any member can block; NATO's
  North Atlantic Council and the CSTO's Collective Security Council decide this way). Tsebelis
  (2002, *Veto Players*) calls every member here a veto player.
* ``simple-majority``: more than half of the members, ``P(sum X_i > n/2)``.
* ``qualified-majority``: at least a share ``q`` of the members, ``P(sum X_i >= ceil(q n))``.
* ``weighted-majority``: at least a share ``q`` of the total weight,
  ``P(sum w_i X_i >= ceil(q W))``; with no quota, more than half of the weight.

``joint`` combines bodies that must *all* agree (inter-organisation decisions: NATO and the CSTO
both have to say yes to institutional cooperation): the product of their probabilities, assuming
the bodies decide independently given the members' utilities.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.errors import UnknownIdError

__all__ = [
    "DEFAULT_QUALIFIED_QUOTA",
    "RULES",
    "DecisionRuleName",
    "Rule",
    "consensus",
    "get_rule",
    "joint",
    "qualified_majority",
    "simple_majority",
    "threshold_probability",
    "weighted_majority",
    "yes_weight_distribution",
]

DecisionRuleName = Literal[
    "consensus", "simple-majority", "qualified-majority", "weighted-majority"
]
"""The rule names, identical to :data:`detente.world.records.DecisionRule`."""

DEFAULT_QUALIFIED_QUOTA = 2.0 / 3.0
"""Quota used by ``qualified-majority`` when the organisation records none: two thirds, the most
common qualified majority in international organisations' charters (e.g. UN Charter Art. 18(2))."""

_EPS = 1e-9  # guards ceil(q * n) against float noise such as (2/3) * 3 = 2.0000000000000004

FloatArray = NDArray[np.float64]


def _probabilities(p: ArrayLike) -> FloatArray:
    arr = np.asarray(p, dtype=np.float64)
    if arr.ndim == 0:
        raise ValueError("p must have at least one axis (members along the last axis)")
    if arr.shape[-1] == 0:
        raise ValueError("a decision needs at least one member")
    if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():
        raise ValueError("acceptance probabilities must lie in [0, 1]")
    return arr


def _weights(weights: ArrayLike | None, n: int) -> NDArray[np.int64]:
    if weights is None:
        return np.ones(n, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"weights must have shape ({n},), got {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any() or (w != np.round(w)).any():
        raise ValueError("weights must be non-negative integers (scale shares to integers)")
    if w.sum() <= 0:
        raise ValueError("the total weight must be positive")
    return w.astype(np.int64)


def _share_threshold(quota: float, total: int) -> int:
    if not 0 < quota <= 1:
        raise ValueError(f"quota is a share of votes and must lie in (0, 1], got {quota!r}")
    return max(1, math.ceil(quota * total - _EPS))


def yes_weight_distribution(p: ArrayLike, weights: ArrayLike | None = None) -> FloatArray:
    """Distribution of the total weight of the members who accept.

    Parameters
    ----------
    p:
        Acceptance probabilities, shape ``(..., n)``.
    weights:
        Non-negative integer weights, shape ``(n,)``; ``None`` = one vote each.

    Returns
    -------
    Array of shape ``(..., W + 1)``: entry ``k`` is ``P(sum_i w_i X_i = k)``, ``W = sum w``.
    """
    probs = _probabilities(p)
    w = _weights(weights, probs.shape[-1])
    total = int(w.sum())
    dist = np.zeros((*probs.shape[:-1], total + 1))
    dist[..., 0] = 1.0
    for i, wi in enumerate(w.tolist()):
        pi = probs[..., i, None]
        # Member i says no (mass stays) or yes (mass moves up by w_i): one convolution step.
        new = dist * (1.0 - pi)
        new[..., wi:] += dist[..., : total + 1 - wi] * pi
        dist = new
    return dist


def threshold_probability(
    p: ArrayLike, threshold: int, weights: ArrayLike | None = None
) -> FloatArray:
    """``P(sum_i w_i X_i >= threshold)``: the general form of every majority rule."""
    dist = yes_weight_distribution(p, weights)
    return np.asarray(np.clip(dist[..., threshold:].sum(axis=-1), 0.0, 1.0))


def consensus(p: ArrayLike) -> FloatArray:
    """Probability that every member accepts: ``prod_i p_i`` (any member can block)."""
    return np.asarray(np.prod(_probabilities(p), axis=-1))


def simple_majority(p: ArrayLike) -> FloatArray:
    """Probability that more than half of the ``n`` members accept (``n // 2 + 1`` or more)."""
    probs = _probabilities(p)
    return threshold_probability(probs, probs.shape[-1] // 2 + 1)


def qualified_majority(p: ArrayLike, quota: float = DEFAULT_QUALIFIED_QUOTA) -> FloatArray:
    """Probability that at least a share ``quota`` of the members accept (``ceil(quota n)``)."""
    probs = _probabilities(p)
    return threshold_probability(probs, _share_threshold(quota, probs.shape[-1]))


def weighted_majority(
    p: ArrayLike, weights: ArrayLike | None = None, quota: float | None = None
) -> FloatArray:
    """Probability that the accepting members hold at least a share ``quota`` of the weight.

    ``weights`` are non-negative integers (vote counts; scale population or budget shares to
    integers, e.g. per mille); ``None`` gives one vote each. ``quota=None`` means more than half
    of the total weight.
    """
    probs = _probabilities(p)
    w = _weights(weights, probs.shape[-1])
    total = int(w.sum())
    threshold = total // 2 + 1 if quota is None else _share_threshold(quota, total)
    return threshold_probability(probs, threshold, w)


def joint(*probabilities: ArrayLike) -> FloatArray:
    """Probability that every one of several independent bodies says yes (broadcast product)."""
    if not probabilities:
        raise ValueError("joint() needs at least one probability")
    arrays = [np.asarray(x, dtype=np.float64) for x in probabilities]
    for arr in arrays:
        if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():
            raise ValueError("probabilities must lie in [0, 1]")
    out = arrays[0]
    for arr in arrays[1:]:
        out = out * arr
    return np.asarray(out)


@dataclass(frozen=True)
class Rule:
    """A named decision rule with a uniform call signature.

    ``rule(p, weights=..., quota=...)`` maps acceptance probabilities of shape ``(..., n)`` to the
    probability of a yes, shape ``(...)``. Rules that do not use weights or a quota ignore them,
    so callers can pass an organisation's recorded quota whatever its rule.
    """

    name: DecisionRuleName
    description: str
    source: str
    function: Callable[[FloatArray, ArrayLike | None, float | None], FloatArray]

    def __call__(
        self, p: ArrayLike, *, weights: ArrayLike | None = None, quota: float | None = None
    ) -> FloatArray:
        return self.function(_probabilities(p), weights, quota)


RULES: dict[str, Rule] = {
    "consensus": Rule(
        "consensus",
        "every member must accept; any member can block",
        "NATO, 'Consensus decision-making at NATO' (2023); Tsebelis (2002) Veto Players",
        lambda p, _w, _q: consensus(p),
    ),
    "simple-majority": Rule(
        "simple-majority",
        "more than half of the members accept",
        "Poisson-binomial tail (Wang 1993)",
        lambda p, _w, _q: simple_majority(p),
    ),
    "qualified-majority": Rule(
        "qualified-majority",
        "at least a share `quota` of the members accept (default 2/3)",
        "Poisson-binomial tail (Wang 1993)",
        lambda p, _w, q: qualified_majority(p, DEFAULT_QUALIFIED_QUOTA if q is None else q),
    ),
    "weighted-majority": Rule(
        "weighted-majority",
        "accepting members hold at least a share `quota` of the weight (default: over half)",
        "weighted voting games (Felsenthal & Machover 1998)",
        lambda p, w, q: weighted_majority(p, w, q),
    ),
}
"""Rules keyed by the world's ``DecisionRule`` names."""

assert set(RULES) == set(get_args(DecisionRuleName))


def get_rule(name: str) -> Rule:
    """The rule called ``name``; :class:`UnknownIdError` listing the known names otherwise."""
    try:
        return RULES[name]
    except KeyError:
        raise UnknownIdError("decision rule", name, RULES) from None
