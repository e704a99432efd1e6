"""Treaty suspension: a state suspends (or keeps) its implementation of a treaty with others.

Example: Russia's suspension of the Treaty on Conventional Armed Forces in Europe (CFE): Putin's
address of 26 Apr 2007 proposed a moratorium, the decree of 13 Jul 2007 announced it (published
14 Jul) and it took effect on 12 Dec 2007; NATO's members had refused to ratify the Adapted CFE
Treaty of 19 Nov 1999 until Russia honoured its Istanbul commitments on Georgia and Moldova.

* ``proposer``: the state that may suspend; ``target``: its treaty partners as a party (an
  organisation, e.g. NATO for the CFE's Western group, or a state).
* Outcomes: ``suspend`` (yes: the state stops implementing the treaty) or ``comply`` (no, the
  status quo).
* Deciders: the state alone (suspension is a unilateral act, whatever its legality).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.decisions.base import DecisionType, Outcomes, Side, actor_side
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = ["OUTCOMES", "SUSPENSION", "deciding_sides", "outcomes"]

OUTCOMES = Outcomes(yes="suspend", no="comply", status_quo="comply")


def outcomes(action: str | None) -> Outcomes:
    """``suspend`` / ``comply`` (treaty suspension takes no action)."""
    return OUTCOMES


def deciding_sides(question: Question, snap: Snapshot) -> tuple[Side, ...]:
    """The suspending state, alone."""
    return (actor_side(question.proposer),)


SUSPENSION = DecisionType(
    name="suspension",
    actions=(),
    outcomes=outcomes,
    sides=deciding_sides,
    description="a state suspends, or keeps implementing, a treaty with others",
)
