"""The decision process: lens → preferences → each decider's acceptance → the rule → ``P(yes)``.

For a question (or episode), a snapshot and a lens:

1. the lens gives each stakeholder a utility margin ``U(yes) - U(no)`` and a stake
   (:meth:`detente.lenses.base.Lens.preferences`);
2. each decider accepts with the logit probability of
   :func:`detente.institutions.acceptance.p_accept` (``scale``), tempered by the silence procedure
   of :class:`detente.lenses.base.AcceptanceParams` (``stake_scale``): with salience
   ``s = 1 - exp(-stake / stake_scale)``, ``p = s * p_logit + (1 - s) * default``, where the
   default of a member with nothing at stake is to go along in a body and to keep the status quo
   alone (:func:`silence_defaults`);
3. the deciding sides' rules combine the acceptances (:func:`detente.decisions.sides_probability`:
   every side must agree).

This module sits below both explanations (:mod:`detente.explanation`, which adds pivots and
counterfactuals) and backtests (:mod:`detente.experiments.backtest`, which scores ``P(yes)``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from detente.decisions import Question, Side, deciding_sides, sides_probability
from detente.institutions import p_accept
from detente.lenses.base import AcceptanceParams, Lens, Preferences
from detente.world import Snapshot

__all__ = [
    "Decision",
    "acceptance",
    "decide",
    "lens_probability",
    "probability",
    "silence_defaults",
]


@dataclass(frozen=True)
class Decision:
    """One question decided under one lens as of one snapshot.

    ``sides`` are the deciding sides (:func:`detente.decisions.deciding_sides`), ``prefs`` the
    lens's preferences, ``acceptance`` each decider's probability of accepting (in ``[0, 1]``)
    and ``p_yes`` the probability of the yes outcome under the sides' rules.
    """

    sides: tuple[Side, ...]
    prefs: Preferences
    acceptance: dict[str, float]
    p_yes: float


def silence_defaults(sides: Sequence[Side], question: Question) -> dict[str, float]:
    """What a member with nothing at stake does: go along in a body, keep the status quo alone.

    A body answering an unsolicited engagement offer from outside (the CSTO's offers to NATO)
    keeps the status quo: nothing happens unless a member takes the offer up. An outside offer
    made through a standing venue the proposer shares with every member (``Side.tabled``: a PfP
    partner's action plan, a proposal in the NRC) is on the table, and the body's default holds.

    Returns each decider's default acceptance (1.0 or 0.0); an actor in several sides takes the
    default of the first.
    """
    alone = 1.0 if question.status_quo == question.yes_outcome else 0.0
    out: dict[str, float] = {}
    for side in sides:
        # An unsolicited offer from outside a body is never tabled unless a member takes it up:
        # its members' default is the status quo, not going along (review 2.2).
        outside = side.org is not None and question.proposer not in (side.org, *side.actors)
        outside = outside and not side.tabled
        body = 1.0 if not (outside and question.type == "engagement") else alone
        for a in side.actors:
            out.setdefault(a, body if len(side.actors) > 1 else alone)
    return out


def acceptance(
    prefs: Preferences, sides: Sequence[Side], question: Question, params: AcceptanceParams
) -> dict[str, float]:
    """Each decider's probability of accepting (logit tempered by the silence procedure)."""
    defaults = silence_defaults(sides, question)
    margins, stakes = prefs.margins, prefs.stakes
    out = {}
    for actor, d in defaults.items():
        i = prefs.index(actor)
        p = float(p_accept(margins[i], params.scale))
        if params.stake_scale > 0:
            salience = 1.0 - math.exp(-float(stakes[i]) / params.stake_scale)
            p = salience * p + (1.0 - salience) * d
        out[actor] = p
    return out


def probability(
    prefs: Preferences, sides: Sequence[Side], question: Question, params: AcceptanceParams
) -> float:
    """Probability of the yes outcome given the preferences."""
    acc = acceptance(prefs, sides, question, params)
    return float(sides_probability(tuple(sides), acc))


def decide(lens: Lens, snap: Snapshot, question: Question) -> Decision:
    """Run the decision process of ``question`` under ``lens`` as of ``snap``."""
    sides = tuple(deciding_sides(question, snap))
    prefs = lens.preferences(snap, question)
    acc = acceptance(prefs, sides, question, lens.params)
    return Decision(sides, prefs, acc, float(sides_probability(sides, acc)))


def lens_probability(lens: Lens, snap: Snapshot, question: Question) -> float:
    """``P(yes outcome)`` of ``question`` under ``lens`` as of ``snap``."""
    return decide(lens, snap, question).p_yes
