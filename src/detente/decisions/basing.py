"""Basing: a host state admits, keeps or expels a foreign military presence.

Examples: Uzbekistan's eviction of the US from Karshi-Khanabad (July 2005); Kyrgyzstan's eviction
notice for Manas (February 2009), the transit-centre deal that kept the US there (June 2009), and
the final renunciation (June 2013); Russia's Kant air base (2003) and 201st base in Tajikistan
(2004) (``../shared/facts.md`` §4.3).

The question's ``proposer`` is the user (the foreign power), its ``target`` the host, its
``action`` one of:

======= ========================= ==============
action  outcomes (yes / no)        status quo
======= ========================= ==============
admit   ``admit`` / ``refuse``     ``refuse``
keep    ``keep`` / ``expel``       ``keep``
======= ========================= ==============

Deciders: the host alone; for ``admit``, also every organisation with a basing-consent clause in
force (the CSTO's December 2011 rule that a non-member's military infrastructure needs the consent
of all members) of which the host is a full member and the user is not. Existing facilities were
exempt from that rule, so ``keep`` stays with the host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.decisions.base import DecisionType, Outcomes, Side, actor_side, org_side
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = ["ACTIONS", "BASING", "consent_orgs", "deciding_sides", "outcomes"]

ACTIONS: dict[str, Outcomes] = {
    "admit": Outcomes(yes="admit", no="refuse", status_quo="refuse"),
    "keep": Outcomes(yes="keep", no="expel", status_quo="keep"),
}


def outcomes(action: str | None) -> Outcomes:
    """Outcomes of a basing ``action`` (``ValueError`` if it is not one of :data:`ACTIONS`)."""
    if action not in ACTIONS:
        raise ValueError(f"a basing question needs an action, one of {', '.join(ACTIONS)}")
    return ACTIONS[action]


def consent_orgs(snap: Snapshot, host: str, user: str) -> list[str]:
    """Organisations whose basing-consent clause gives their members a say over ``user``."""
    orgs = {c.org for c in snap.clauses(kind="basing-consent") if c.org is not None}
    return sorted(
        org
        for org in orgs
        if snap.organisation(org) is not None
        and snap.status(host, org) == "member"
        and snap.status(user, org) != "member"
    )


def deciding_sides(question: Question, snap: Snapshot) -> tuple[Side, ...]:
    """The host, plus the members of any consent organisation when a base is to be admitted."""
    host = actor_side(question.target)
    if question.action != "admit":
        return (host,)
    extra = [org_side(snap, org) for org in consent_orgs(snap, question.target, question.proposer)]
    return (host, *extra)


BASING = DecisionType(
    name="basing",
    actions=tuple(ACTIONS),
    outcomes=outcomes,
    sides=deciding_sides,
    description="a host admits, keeps or expels a foreign military presence",
)
