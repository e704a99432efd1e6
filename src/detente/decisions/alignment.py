"""Alignment: a state (or an organisation's members) asked to follow a leader's position.

Examples: Russia's recognition of Abkhazia and South Ossetia (26 Aug 2008), which it asked its
CSTO allies to back at the Moscow summit of 5 Sep 2008 (none recognised); the UN General
Assembly's vote on resolution 68/262 on Ukraine's territorial integrity (27 Mar 2014), on which
Armenia and Belarus voted with Russia while the Central Asian members did not.

* ``proposer``: the leader asking to be followed; ``target``: the state asked (or an
  organisation, whose members other than the proposer are asked together).
* Outcomes: ``align`` (yes: the target takes the leader's position, e.g. recognises, votes with
  it) or ``decline`` (no, the status quo: abstains, stays away, keeps its own position).
* Deciders: the target state alone (alignment is a sovereign act: a recognition or a vote); for an
  organisation, its full members other than the proposer under the organisation's rule (a
  collective statement needs each of them). The proposer consents to its own request.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from detente.decisions.base import DecisionType, Outcomes, Side, actor_side, org_side
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = ["ALIGNMENT", "OUTCOMES", "deciding_sides", "outcomes"]

OUTCOMES = Outcomes(yes="align", no="decline", status_quo="decline")


def outcomes(action: str | None) -> Outcomes:
    """``align`` / ``decline`` (alignment takes no action)."""
    return OUTCOMES


def deciding_sides(question: Question, snap: Snapshot) -> tuple[Side, ...]:
    """The target state, or the target organisation's members other than the proposer."""
    if question.target in snap.orgs:
        side = org_side(snap, question.target)
        actors = tuple(a for a in side.actors if a != question.proposer)
        return (dataclasses.replace(side, actors=actors, weights=None),)
    return (actor_side(question.target),)


ALIGNMENT = DecisionType(
    name="alignment",
    actions=(),
    outcomes=outcomes,
    sides=deciding_sides,
    description="a state (or an organisation's members) asked to follow a leader's position",
)
