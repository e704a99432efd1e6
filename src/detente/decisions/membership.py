"""Membership: a state joins, leaves, suspends or freezes its membership of an organisation.

Examples: Uzbekistan, Georgia and Azerbaijan not renewing the Collective Security Treaty in April
1999; Uzbekistan's return in June 2006 and its suspension in 2012; Armenia freezing its
participation in February 2024 (``edm-2005``, ``../shared/facts.md`` §1.2).

The question's ``proposer`` is the state, its ``target`` the organisation, its ``action`` one of:

======== =========================== ======================================================
action   outcomes (yes / no)          deciders
======== =========================== ======================================================
join     ``join`` / ``stay-out``      the state *and* the members (admission by the org's rule)
leave    ``leave`` / ``stay``         the state alone (withdrawal is unilateral)
suspend  ``suspend`` / ``stay``       the state alone (the note that starts a suspension)
freeze   ``freeze`` / ``stay``        the state alone
======== =========================== ======================================================

The status quo is the state's current position: ``stay-out`` for ``join``, ``stay`` otherwise. A
return to an organisation once left (Uzbekistan 2006) is a ``join``. Where a charter makes the
members decide a suspension (the CSTO's Collective Security Council formally suspended
Uzbekistan in December 2012), a question can name ``deciding_org`` to ask that decision instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.decisions.base import DecisionType, Outcomes, Side, actor_side, org_side
from detente.errors import DetenteError
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = ["ACTIONS", "MEMBERSHIP", "deciding_sides", "outcomes"]

ACTIONS: dict[str, Outcomes] = {
    "join": Outcomes(yes="join", no="stay-out", status_quo="stay-out"),
    "leave": Outcomes(yes="leave", no="stay", status_quo="stay"),
    "suspend": Outcomes(yes="suspend", no="stay", status_quo="stay"),
    "freeze": Outcomes(yes="freeze", no="stay", status_quo="stay"),
}


def outcomes(action: str | None) -> Outcomes:
    """Outcomes of a membership ``action`` (``ValueError`` if it is not one of :data:`ACTIONS`)."""
    if action not in ACTIONS:
        raise ValueError(f"a membership question needs an action, one of {', '.join(ACTIONS)}")
    return ACTIONS[action]


def deciding_sides(question: Question, snap: Snapshot) -> tuple[Side, ...]:
    """The state, plus the organisation's members for ``join``."""
    if question.action == "join":
        return (actor_side(question.proposer), org_side(snap, question.target))
    if snap.organisation(question.target) is None:
        raise DetenteError(
            f"organisation {question.target} does not exist on {snap.day.isoformat()}"
        )
    return (actor_side(question.proposer),)


MEMBERSHIP = DecisionType(
    name="membership",
    actions=tuple(ACTIONS),
    outcomes=outcomes,
    sides=deciding_sides,
    description="a state joins, leaves, suspends or freezes its membership of an organisation",
)
