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

Correlated members
------------------
Thirty allies are not thirty independent coins: they read the same news, answer to the same
leader and bargain before the vote. Every rule takes ``rho`` in ``[0, MAX_RHO]``, the correlation
of a **one-factor Gaussian copula** (Vasicek's one-factor model; Kaniovski & Zaigraev 2011 on
voting with correlated votes): member ``i`` accepts iff
``sqrt(rho) Z + sqrt(1 - rho) e_i <= Phi^-1(p_i)`` with ``Z, e_i`` independent standard normal.
Each member's marginal acceptance stays ``p_i``; given the shared shock ``Z = z`` the members are
independent with ``p_i(z) = Phi((Phi^-1(p_i) - sqrt(rho) z) / sqrt(1 - rho))``, so the rule's exact
dynamic programme runs at every node of a quadrature over ``z`` (:data:`GH_NODES` nodes,
vectorised as one extra axis) and the results are averaged. ``rho = 0`` is the independent
case exactly (no quadrature). :func:`leader_follower` is the hegemonic variant: each follower
copies the leader's choice with probability ``follow``; :func:`agenda` multiplies by the chance
that the offer is tabled at all (an offer never tabled is not decided).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, ndtri

from detente.errors import UnknownIdError

__all__ = [
    "DEFAULT_QUALIFIED_QUOTA",
    "GH_NODES",
    "MAX_RHO",
    "RULES",
    "DecisionRuleName",
    "Rule",
    "agenda",
    "conditional_probabilities",
    "consensus",
    "get_rule",
    "joint",
    "leader_follower",
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

GH_NODES = 200
"""Nodes of the copula quadrature over the shock ``z``: Gauss-Legendre on ``[-8, 8]`` weighted by
the normal density (the mass outside is below 1e-15). The integrand (a product of 30 normal CDFs
at ``rho = 0.9``) has steep flanks that Gauss-Hermite rules resolve poorly; this one is exact to
about 1e-10 there. For ``rho <= MAX_RHO`` marginals are kept to 1e-6 and results match adaptive
quadrature (``tests/institutions/test_correlated.py``)."""

MAX_RHO = 0.9
"""Largest correlation accepted: near 1 the integrand becomes a step in ``z`` and quadrature
needs far more nodes (the limit ``rho = 1`` is a single shared coin, the minimum of ``p`` under
consensus)."""


def _check_rho(rho: float) -> float:
    if not (np.isfinite(rho) and 0.0 <= rho <= MAX_RHO):
        raise ValueError(f"rho must lie in [0, {MAX_RHO}], got {rho!r}")
    return float(rho)


_Z_RANGE = 8.0


@functools.cache
def _nodes(nodes: int) -> tuple[FloatArray, FloatArray]:
    """Nodes ``z_k`` and weights ``w_k``: ``E f(Z) ~ sum_k w_k f(z_k)``, Z standard normal."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    z = _Z_RANGE * x
    weights = _Z_RANGE * w * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return z, weights / weights.sum()


def conditional_probabilities(p: ArrayLike, rho: float, z: ArrayLike) -> FloatArray:
    """Members' acceptance given the shared shock ``z`` (shape ``(K,)``): shape ``(..., K, n)``.

    ``p_i(z) = Phi((Phi^-1(p_i) - sqrt(rho) z) / sqrt(1 - rho))``; ``p_i`` of 0 or 1 stays 0 or 1.
    """
    probs = _probabilities(p)
    r = _check_rho(rho)
    zz = np.asarray(z, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        shifted = (ndtri(probs)[..., None, :] - math.sqrt(r) * zz[:, None]) / math.sqrt(1.0 - r)
    out = np.asarray(ndtr(shifted))
    # Phi^-1(0) = -inf and Phi^-1(1) = +inf give exact 0 and 1; keep them exactly
    return np.where(probs[..., None, :] <= 0.0, 0.0, np.where(probs[..., None, :] >= 1.0, 1.0, out))


def _correlated(
    function: Callable[[FloatArray], FloatArray], p: FloatArray, rho: float
) -> FloatArray:
    """``E_Z[function(p(Z))]``: the rule averaged over the shared shock (independent if rho=0)."""
    if _check_rho(rho) == 0.0:
        return function(p)
    z, w = _nodes(GH_NODES)
    values = function(conditional_probabilities(p, rho, z))  # (..., K)
    return np.asarray(np.clip(values @ w, 0.0, 1.0))


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

    ``rule(p, weights=..., quota=..., rho=...)`` maps acceptance probabilities of shape
    ``(..., n)`` to the probability of a yes, shape ``(...)``. Rules that do not use weights or a
    quota ignore them, so callers can pass an organisation's recorded quota whatever its rule.
    ``rho`` is the members' correlation (module docstring; 0 = independent).
    """

    name: DecisionRuleName
    description: str
    source: str
    function: Callable[[FloatArray, ArrayLike | None, float | None], FloatArray]

    def __call__(
        self,
        p: ArrayLike,
        *,
        weights: ArrayLike | None = None,
        quota: float | None = None,
        rho: float = 0.0,
    ) -> FloatArray:
        return _correlated(lambda q: self.function(q, weights, quota), _probabilities(p), rho)


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


def leader_follower(
    p: ArrayLike,
    leader: int,
    follow: float,
    rule: str | Rule = "consensus",
    *,
    weights: ArrayLike | None = None,
    quota: float | None = None,
    rho: float = 0.0,
) -> FloatArray:
    """A body led by a hegemon: each follower copies the leader's choice with chance ``follow``.

    The leader (member index ``leader`` on the last axis) accepts with ``p_L``. Given its choice,
    each other member independently follows it with probability ``follow`` and otherwise decides
    by its own ``p_i``: ``P(i yes | L yes) = follow + (1 - follow) p_i`` and ``P(i yes | L no) =
    (1 - follow) p_i``. The rule (with ``rho`` among the followers' own choices) is applied in
    both branches and mixed by ``p_L``. ``follow = 0`` is the rule itself; ``follow = 1`` makes
    the body decide as its leader does (under consensus and majority rules). Models the CSTO and
    the CIS, where Russia's position sets the others' (Allison's "protective integration",
    *International Affairs* 2004).
    """
    the_rule = get_rule(rule) if isinstance(rule, str) else rule
    probs = _probabilities(p)
    n = probs.shape[-1]
    if not 0 <= leader < n:
        raise ValueError(f"leader index {leader} is outside 0..{n - 1}")
    if not 0.0 <= follow <= 1.0:
        raise ValueError(f"follow must lie in [0, 1], got {follow!r}")
    p_lead = probs[..., leader]
    if_yes = follow + (1.0 - follow) * probs
    if_no = (1.0 - follow) * probs
    if_yes[..., leader], if_no[..., leader] = 1.0, 0.0
    yes = the_rule(if_yes, weights=weights, quota=quota, rho=rho)
    no = the_rule(if_no, weights=weights, quota=quota, rho=rho)
    return np.asarray(p_lead * yes + (1.0 - p_lead) * no)


def agenda(p_yes: ArrayLike, p_tabled: ArrayLike) -> FloatArray:
    """Probability of a yes when the offer reaches the table only with probability ``p_tabled``.

    An offer that is never tabled is not decided, and not deciding keeps the status quo (the no
    outcome): ``P(yes) = P(tabled) * P(yes | tabled)``.
    """
    a = np.asarray(p_yes, dtype=np.float64)
    b = np.asarray(p_tabled, dtype=np.float64)
    for arr in (a, b):
        if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():
            raise ValueError("probabilities must lie in [0, 1]")
    return np.asarray(a * b)
