"""Force commitment: a member state asked to sign up to an organisation's joint force.

Example: the CSTO's Collective Rapid Reaction Force (CRRF), agreed in principle on 4 Feb 2009 and
signed in Moscow on 14 Jun 2009 by every member except Belarus (which boycotted the summit over
the "milk war" and signed in October 2009) and Uzbekistan (which had recorded a special opinion in
February and never signed).

* ``proposer``: the organisation whose force it is; ``target``: the member state asked.
* Outcomes: ``commit`` (yes: the state signs the force agreement or assigns units) or
  ``decline`` (no, the status quo).
* Deciders: the state alone (a force agreement binds only its signatories). The organisation's
  other members are stakeholders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.decisions.base import DecisionType, Outcomes, Side, actor_side
from detente.errors import DetenteError
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = ["FORCE", "OUTCOMES", "deciding_sides", "outcomes"]

OUTCOMES = Outcomes(yes="commit", no="decline", status_quo="decline")


def outcomes(action: str | None) -> Outcomes:
    """``commit`` / ``decline`` (force commitment takes no action)."""
    return OUTCOMES


def deciding_sides(question: Question, snap: Snapshot) -> tuple[Side, ...]:
    """The state asked, alone."""
    if snap.organisation(question.proposer) is None:
        raise DetenteError(
            f"organisation {question.proposer} does not exist on {snap.day.isoformat()}"
        )
    return (actor_side(question.target),)


FORCE = DecisionType(
    name="force",
    actions=(),
    outcomes=outcomes,
    sides=deciding_sides,
    description="a member state asked to commit forces to an organisation's joint force",
)
