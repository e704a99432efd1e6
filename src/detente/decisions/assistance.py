"""Assistance: an organisation acts collectively on a member's request, or declines.

Examples: Kyrgyzstan asked the CSTO for help during the Osh violence of June 2010 and the CSTO
did not deploy; Kazakhstan invoked the Collective Security Treaty in January 2022 and CSTO forces
deployed within days (``../shared/facts.md`` §2.3-2.4; Xinhua, 6 Jan 2022).

* ``proposer``: the requesting member; ``target``: the organisation; optional ``clause``: the
  article invoked, as ``agreement/clause`` ids of the world (e.g.
  ``collective-security-treaty/art-4`` on collective defence, ``.../art-2`` on consultations).
* Outcomes: ``act`` (yes: the organisation takes the collective measure asked for, e.g. deploys
  forces) or ``decline`` (no, the status quo).
* Deciders: the organisation's full members on the day, the requester included, under the
  organisation's recorded rule (the CSTO decides by consensus).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.decisions.base import DecisionType, Outcomes, Side, org_side
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = ["ASSISTANCE", "OUTCOMES", "deciding_sides", "outcomes"]

OUTCOMES = Outcomes(yes="act", no="decline", status_quo="decline")


def outcomes(action: str | None) -> Outcomes:
    """``act`` / ``decline`` (assistance takes no action)."""
    return OUTCOMES


def deciding_sides(question: Question, snap: Snapshot) -> tuple[Side, ...]:
    """The target organisation's full members under its rule."""
    return (org_side(snap, question.target),)


ASSISTANCE = DecisionType(
    name="assistance",
    actions=(),
    outcomes=outcomes,
    sides=deciding_sides,
    description="an organisation acts collectively on a member's request, or declines",
)
