"""A bargaining outcome put to a body whose members can veto it.

A bargaining model (the EUM or the SMP) forecasts where the positions of a question's stakeholders
converge on a 0-100 line. A weighted median of positions says nothing about the *decision* that
follows: in a consensus body such as the North Atlantic Council every member can block the
outcome (Tsebelis 2002, *Veto Players*, ch. 1), so the outcome **passes** only if it reaches the
question's threshold *and* the body, under its rule, accepts it.

For each Monte Carlo replicate ``r`` with outcome ``x_r`` and each voting member ``i`` of the
deciding body with coded position ``v_i`` and salience ``s_i`` (spatial utility, Black 1948;
Enelow & Hinich 1984):

    margin_i(x) = s_i * (|q - v_i| - |x - v_i|) / R

is the utility of ``x`` over the reversion point ``q`` (what happens if the body says no: the
status quo) in units of the scale's range ``R``; member ``i`` accepts with the logit probability
``p_accept(margin_i, scale)`` (:mod:`detente.institutions.acceptance`), and the body accepts with
its rule's probability over its members (:data:`detente.institutions.rules.RULES`, with the
members' correlation ``rho``). Then

    P(pass) = mean_r [ 1(x_r > threshold) * P(body accepts x_r) ].

A member of the body with no row in the stakeholder table has no coded position: it is not
guessed, it is listed (``uncoded``) and left out of the vote (the body is then the coded members
alone, which the report says).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.institutions.acceptance import DEFAULT_SCALE, p_accept
from detente.institutions.rules import get_rule

__all__ = ["VetoVote", "veto_vote"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class VetoVote:
    """The outcome's passage through a body's vote.

    ``p_exceeds`` is ``P(x > threshold)`` alone (the weighted-median view); ``p_pass`` the
    probability that the outcome reaches the threshold and the body accepts it; ``p_accept`` each
    voting member's mean acceptance over the replicates that reach the threshold (``nan`` if none
    does), in the order of ``members``; ``blockers`` the members ordered from the least willing.
    """

    members: tuple[str, ...]
    rule: str
    p_exceeds: float
    p_pass: float
    p_accept: tuple[float, ...]
    reversion: float
    threshold: float

    @property
    def blockers(self) -> tuple[str, ...]:
        """Members ordered by their mean acceptance, least willing first."""
        order = sorted(
            range(len(self.members)),
            key=lambda i: (np.nan_to_num(self.p_accept[i], nan=1.0), self.members[i]),
        )
        return tuple(self.members[i] for i in order)


def veto_vote(
    outcomes: ArrayLike,
    threshold: float,
    members: Sequence[str],
    positions: ArrayLike,
    saliences: ArrayLike,
    *,
    reversion: float,
    bounds: tuple[float, float] = (0.0, 100.0),
    rule: str = "consensus",
    quota: float | None = None,
    rho: float = 0.0,
    scale: float = DEFAULT_SCALE,
) -> VetoVote:
    """Pass the replicates' ``outcomes`` (shape ``(runs,)``) through the body's vote.

    ``members``, ``positions`` and ``saliences`` are the voting members' ids, coded positions on
    the scale and saliences in ``[0, 1]``; ``reversion`` is the point that stands if the body says
    no; ``rule``, ``quota`` and ``rho`` those of the body (module docstring).
    """
    x = np.asarray(outcomes, dtype=np.float64).reshape(-1)
    v = np.asarray(positions, dtype=np.float64).reshape(-1)
    s = np.asarray(saliences, dtype=np.float64).reshape(-1)
    if not len(members) or v.shape != (len(members),) or s.shape != (len(members),):
        raise ValueError("members, positions and saliences must be non-empty and of equal length")
    if not x.size or not np.isfinite(x).all():
        raise ValueError("outcomes must be a non-empty array of finite numbers")
    lo, hi = bounds
    if not hi > lo:
        raise ValueError(f"bounds must be increasing, got {bounds!r}")
    span = hi - lo
    margin = s * (np.abs(reversion - v) - np.abs(x[:, None] - v)) / span  # (runs, n)
    p = p_accept(margin, scale)
    body = np.asarray(get_rule(rule)(p, quota=quota, rho=rho), dtype=np.float64)  # (runs,)
    passes = x > threshold
    accept = (
        tuple(float(a) for a in p[passes].mean(axis=0))
        if passes.any()
        else tuple(float("nan") for _ in members)
    )
    return VetoVote(
        tuple(members),
        rule,
        float(passes.mean()),
        float(np.mean(passes * body)),
        accept,
        float(reversion),
        float(threshold),
    )
