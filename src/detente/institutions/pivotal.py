"""Who is pivotal in a decision: the members whose change of mind moves the outcome most.

For one decision with acceptance probabilities ``p`` under a rule, member ``i`` is scored by two
counterfactuals: the probability of a yes if ``i`` were certain to accept (``p_i = 1``) and if it
were certain to refuse (``p_i = 0``). The difference of the two is the probability that ``i`` is
decisive, the probabilistic analogue of a Banzhaf swing (Banzhaf 1965; with every ``p_j = 1/2``
it *is* the absolute Banzhaf measure, Felsenthal & Machover 1998, ch. 3).

Roles
-----
* A **blocker** leans no (``p_i < 0.5``); its swing is how much the yes-probability would rise if
  it accepted for certain: ``P(yes | p_i = 1) - P(yes)``. Under consensus every member is a veto
  player (Tsebelis 2002), and one that leans no is a blocker.
* A **decisive supporter** leans yes (``p_i >= 0.5``); its swing is how much the yes-probability
  would fall if it refused for certain: ``P(yes) - P(yes | p_i = 0)``.

In a decision that needs several bodies (:func:`detente.institutions.rules.joint`), pass the
probability that the *other* bodies say yes as ``others``: swings are scaled by it, so that they are
changes in the probability of the joint outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from detente.institutions.rules import Rule, get_rule

__all__ = ["Pivot", "pivotal_members"]


@dataclass(frozen=True)
class Pivot:
    """One pivotal member of a decision.

    Attributes
    ----------
    actor:
        The member's id.
    role:
        ``"blocker"`` (leans no) or ``"decisive-supporter"`` (leans yes).
    swing:
        Change in the probability of a yes (of the joint decision, when ``others`` was given) if
        the member flipped to certain yes (blocker) or certain no (supporter); in [0, 1].
    p_accept:
        The member's acceptance probability.
    p_if_yes, p_if_no:
        Probability of a yes with this member certain to accept / certain to refuse.
    veto:
        True if this member alone can block the decision (its refusal makes a yes impossible
        even when everyone else accepts).
    """

    actor: str
    role: Literal["blocker", "decisive-supporter"]
    swing: float
    p_accept: float
    p_if_yes: float
    p_if_no: float
    veto: bool


def pivotal_members(
    actors: Sequence[str],
    p: ArrayLike,
    rule: str | Rule,
    *,
    weights: ArrayLike | None = None,
    quota: float | None = None,
    others: float = 1.0,
    min_swing: float = 0.01,
) -> list[Pivot]:
    """The members whose flip would change the outcome probability by at least ``min_swing``.

    Parameters
    ----------
    actors:
        Member ids, in the order of ``p``.
    p:
        Acceptance probabilities, shape ``(n,)`` (one decision, not a batch).
    rule:
        A :class:`~detente.institutions.rules.Rule` or its name (``"consensus"``, ...).
    weights, quota:
        Passed to the rule (see :mod:`detente.institutions.rules`).
    others:
        Probability that the other bodies of a joint decision say yes (1 for a single body).
    min_swing:
        Smallest swing reported, in probability units.

    Returns
    -------
    Pivots sorted by decreasing swing (ties by actor id).
    """
    the_rule = get_rule(rule) if isinstance(rule, str) else rule
    probs = np.asarray(p, dtype=np.float64)
    if probs.ndim != 1 or probs.shape[0] != len(actors):
        raise ValueError(f"p must have shape ({len(actors)},), got {probs.shape}")
    if not 0 <= others <= 1:
        raise ValueError(f"others must be a probability, got {others!r}")
    n = len(actors)
    # Row 0: as is; rows 1..n: member i certain yes; rows n+1..2n: member i certain no;
    # rows 2n+1..3n: everyone else certain yes and member i certain no (the veto test).
    eye = np.eye(n, dtype=bool)
    batch = np.concatenate(
        [
            probs[None, :],
            np.where(eye, 1.0, probs),
            np.where(eye, 0.0, probs),
            np.where(eye, 0.0, 1.0),
        ]
    )
    out = the_rule(batch, weights=weights, quota=quota)
    now, if_yes, if_no, veto_test = out[0], out[1 : n + 1], out[n + 1 : 2 * n + 1], out[2 * n + 1 :]
    pivots = []
    for i, actor in enumerate(actors):
        blocker = probs[i] < 0.5
        swing = others * float(if_yes[i] - now if blocker else now - if_no[i])
        if swing >= min_swing:
            pivots.append(
                Pivot(
                    actor=actor,
                    role="blocker" if blocker else "decisive-supporter",
                    swing=swing,
                    p_accept=float(probs[i]),
                    p_if_yes=float(if_yes[i]),
                    p_if_no=float(if_no[i]),
                    veto=bool(veto_test[i] <= 0.0),
                )
            )
    pivots.sort(key=lambda pv: (-pv.swing, pv.actor))
    return pivots
