"""What every decision type shares: its outcomes, and the sides whose assent a yes needs.

A decision is binary: the *yes* outcome grants what the proposer asks (engage, join, act, admit
or keep a base); the *no* outcome refuses it. One of the two is the *status quo*, what happens if
nothing changes (the baseline of backtests).

Who decides is a tuple of :class:`Side` objects, each a body of members deciding under one rule
from :mod:`detente.institutions.rules` (a state deciding alone is a side of one). A yes needs every
side (:func:`detente.institutions.rules.joint`): institutional cooperation between NATO and the
CSTO needs both NATO's and the CSTO's consent; admitting a state needs the state and the members.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.errors import DetenteError
from detente.institutions.rules import DecisionRuleName, get_rule, joint
from detente.world import Snapshot

if TYPE_CHECKING:
    from detente.decisions.question import Question

__all__ = [
    "DecisionType",
    "Outcomes",
    "QuestionType",
    "Side",
    "actor_side",
    "org_side",
    "party_side",
    "sides_probability",
]

QuestionType = Literal[
    "engagement", "membership", "assistance", "basing", "alignment", "force", "suspension"
]

_STATE_ID = re.compile(r"^[A-Z]{3}$")


class Outcomes(NamedTuple):
    """The two outcomes of a decision and which of them is the status quo."""

    yes: str
    no: str
    status_quo: str


@dataclass(frozen=True)
class Side:
    """A body whose assent a yes needs: its members, in a fixed order, and its rule.

    Attributes
    ----------
    label:
        Display name: the organisation's id, or the state's id for a side of one.
    actors:
        Member ids (sorted); acceptance probabilities are given in this order.
    rule:
        A name from :data:`detente.institutions.rules.RULES`.
    quota:
        Share of votes or weight a qualified or weighted majority needs (``None``: the rule's
        default).
    weights:
        Integer votes per member for a weighted majority (``None``: one each).
    org:
        The organisation deciding, or ``None`` for a state or an ad-hoc group.
    rho:
        Correlation of the members' choices (one-factor copula of
        :mod:`detente.institutions.rules`); 0 = independent.
    tabled:
        Whether a proposal from outside the body reaches its table by right: the proposer sits
        with all of the body's members in a standing partnership or council (a PfP partner's
        action plan, Russia's proposals in the NRC). An outside offer that is not tabled needs a
        member to take it up (:func:`detente.decision.silence_defaults`).
    """

    label: str
    actors: tuple[str, ...]
    rule: DecisionRuleName = "consensus"
    quota: float | None = None
    weights: tuple[int, ...] | None = None
    org: str | None = None
    rho: float = 0.0
    tabled: bool = False

    def probability(self, p: ArrayLike) -> NDArray[np.float64]:
        """Probability of this side's yes from its members' acceptance, shape ``(..., n)``."""
        rho = self.rho if len(self.actors) > 1 else 0.0
        return get_rule(self.rule)(p, weights=self.weights, quota=self.quota, rho=rho)


QuestionSides = Callable[["Question", Snapshot], tuple[Side, ...]]


@dataclass(frozen=True)
class DecisionType:
    """One kind of decision: its actions, outcomes, and default deciders.

    Attributes
    ----------
    name:
        The question ``type`` it serves.
    actions:
        Allowed values of a question's ``action`` (empty: the type takes none).
    outcomes:
        ``action -> Outcomes``.
    sides:
        ``(question, snapshot) -> sides`` whose assent a yes needs, by default.
    description:
        One line for users.
    """

    name: QuestionType
    actions: tuple[str, ...]
    outcomes: Callable[[str | None], Outcomes]
    sides: QuestionSides
    description: str


def actor_side(actor: str) -> Side:
    """A state (or any actor) deciding alone."""
    return Side(label=actor, actors=(actor,), rule="consensus")


def org_side(snap: Snapshot, org: str) -> Side:
    """The full members of ``org`` on the snapshot's day, under the organisation's rule.

    Members with another status (suspended, frozen, partner, observer) do not take part.
    Raises :class:`DetenteError` if ``org`` does not exist on that day or has no full members.
    """
    record = snap.organisation(org)
    if record is None:
        raise DetenteError(f"organisation {org} does not exist on {snap.day.isoformat()}")
    members = tuple(snap.members(org))
    if not members:
        raise DetenteError(f"organisation {org} has no full members on {snap.day.isoformat()}")
    return Side(label=org, actors=members, rule=record.decision_rule, quota=record.quota, org=org)


def party_side(snap: Snapshot, actor: str) -> Side:
    """``actor`` as a decider: an organisation's members under its rule, or a state alone."""
    if actor in snap.orgs or not _STATE_ID.match(actor):
        return org_side(snap, actor)
    return actor_side(actor)


def sides_probability(
    sides: tuple[Side, ...], acceptance: Mapping[str, ArrayLike]
) -> NDArray[np.float64]:
    """Probability of the yes outcome: every side must say yes (independently).

    ``acceptance`` maps each actor id to its acceptance probability: a scalar, or an array (e.g.
    one value per Monte Carlo run); the values are broadcast together, and so is the result.
    """
    missing = sorted({a for s in sides for a in s.actors} - set(acceptance))
    if missing:
        raise DetenteError(f"no acceptance probability for {', '.join(missing)}")
    per_side = []
    for side in sides:
        columns = np.broadcast_arrays(*(np.asarray(acceptance[a], float) for a in side.actors))
        per_side.append(side.probability(np.stack(columns, axis=-1)))
    return joint(*per_side)
