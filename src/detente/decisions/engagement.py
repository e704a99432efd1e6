"""Engagement: an organisation or state proposes institutional cooperation to another.

Examples: the CSTO's offers of cooperation to NATO (2003-2005, Lavrov's initiative at the NRC in
December 2005), Rasmussen's planned CSTO initiative (September 2009), an NRC meeting at the 2012
Chicago summit (``ffi-2007``, ``kucera-2010``, ``pqia-2012``).

* Outcomes: ``engage`` (yes: the two sides open formal, institution-to-institution cooperation or
  hold the proposed meeting) or ``refuse`` (no, the status quo: no answer, a refusal, or
  cooperation only through existing bilateral tracks such as EAPC and PfP).
* Deciders: the target. An organisation decides by its members under its recorded rule (NATO's
  North Atlantic Council by consensus, so any ally can block); a state decides alone. The proposer
  consents to its own proposal: its members made it (the CSTO's offers were decisions of its
  councils), so its consent is 1 and it is not a deciding side. A question about the proposer's
  own follow-through names its deciders instead: an idea floated by a secretary-general, who
  proposes but has no vote, is decided by the members (``deciding_org: NATO``).
* Agenda: an offer from outside the deciding body is *tabled* by right when the proposer sits with
  every member of the body in a standing partnership or council (``partnership`` or ``forum``
  organisations: a partner's action plan submitted under NATO's Partnership for Peace, Russia's
  proposals in the NATO-Russia Council). An offer with no such venue (the CSTO's offers to NATO)
  reaches the table only if a member takes it up (:func:`detente.decision.silence_defaults`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from detente.decisions.base import DecisionType, Outcomes, Side, party_side
from detente.errors import DetenteError
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = ["ENGAGEMENT", "OUTCOMES", "deciding_sides", "outcomes"]

OUTCOMES = Outcomes(yes="engage", no="refuse", status_quo="refuse")


def outcomes(action: str | None) -> Outcomes:
    """``engage`` / ``refuse`` (engagement takes no action)."""
    return OUTCOMES


def deciding_sides(question: Question, snap: Snapshot) -> tuple[Side, ...]:
    """The target's side under its own rule (the proposer consents to its own proposal)."""
    is_org = question.proposer in snap.orgs or question.proposer not in snap.states
    if is_org and snap.organisation(question.proposer) is None:
        raise DetenteError(
            f"organisation {question.proposer} does not exist on {snap.day.isoformat()}"
        )
    side = party_side(snap, question.target)
    if side.org is not None and question.proposer not in side.actors:
        side = dataclasses.replace(side, tabled=has_venue(snap, question.proposer, side.actors))
    return (side,)


VENUE_KINDS = ("partnership", "forum")
"""Organisation kinds that are standing venues between a body and outsiders (NACC/EAPC, PfP, PJC,
NRC): a participant may put a proposal on their agenda."""


def has_venue(snap: Snapshot, proposer: str, members: tuple[str, ...]) -> bool:
    """Whether ``proposer`` takes part (not as an observer) in a partnership or forum whose full
    members include every one of ``members`` on the snapshot's day."""
    wanted = set(members)
    for m in snap.memberships_of(proposer):
        org = snap.organisation(m.org)
        if org is None or org.kind not in VENUE_KINDS or m.status == "observer":
            continue
        if wanted <= set(snap.members(m.org)):
            return True
    return False


ENGAGEMENT = DecisionType(
    name="engagement",
    actions=(),
    outcomes=outcomes,
    sides=deciding_sides,
    description="institutional cooperation proposed by one party; the target decides",
)
