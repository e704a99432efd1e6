"""The registry of decision types, and who decides a given question on a given day."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from detente.decisions.alignment import ALIGNMENT
from detente.decisions.assistance import ASSISTANCE
from detente.decisions.base import DecisionType, Side, org_side
from detente.decisions.basing import BASING
from detente.decisions.engagement import ENGAGEMENT
from detente.decisions.force import FORCE
from detente.decisions.membership import MEMBERSHIP
from detente.decisions.suspension import SUSPENSION
from detente.errors import DetenteError, UnknownIdError
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = ["DECISION_TYPES", "deciding_sides", "get_decision_type"]

DECISION_TYPES: dict[str, DecisionType] = {
    t.name: t for t in (ENGAGEMENT, MEMBERSHIP, ASSISTANCE, BASING, ALIGNMENT, FORCE, SUSPENSION)
}
"""Decision types keyed by the question ``type`` they serve."""


def get_decision_type(name: str) -> DecisionType:
    """The decision type ``name``; :class:`UnknownIdError` listing the known ones otherwise."""
    try:
        return DECISION_TYPES[name]
    except KeyError:
        raise UnknownIdError("decision type", name, DECISION_TYPES) from None


def deciding_sides(question: Question, snap: Snapshot) -> tuple[Side, ...]:
    """The sides whose assent the question's yes outcome needs, as of ``snap``.

    In order of precedence:

    1. explicit ``deciders``: one side of exactly those actors, under ``rule`` if given, else the
       rule of ``deciding_org`` if given, else consensus;
    2. ``deciding_org``: that organisation's full members on the day, under ``rule`` if given,
       else the organisation's recorded rule;
    3. otherwise the decision type's default (see each decision module).
    """
    if question.deciders:
        rule, quota = question.rule or "consensus", None
        if question.deciding_org is not None:
            record = snap.organisation(question.deciding_org)
            if record is None:
                raise DetenteError(
                    f"organisation {question.deciding_org} does not exist on {snap.day.isoformat()}"
                )
            rule, quota = question.rule or record.decision_rule, record.quota
        label = question.deciding_org or "deciders"
        actors = tuple(sorted(question.deciders))
        return (Side(label, actors, rule, quota, org=question.deciding_org),)
    if question.deciding_org is not None:
        side = org_side(snap, question.deciding_org)
        if question.rule is not None:
            side = dataclasses.replace(side, rule=question.rule)
        return (side,)
    return DECISION_TYPES[question.type].sides(question, snap)
