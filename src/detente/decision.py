"""The decision process: lens → preferences → each decider's acceptance → the rule → ``P(yes)``.

For a question (or episode), a snapshot and a lens:

1. the lens gives each stakeholder a utility margin ``U(yes) - U(no)`` and a stake
   (:meth:`detente.lenses.base.Lens.preferences`);
2. each decider accepts with the logit probability of
   :func:`detente.institutions.acceptance.p_accept` (``scale``), tempered by the silence procedure
   of :class:`detente.lenses.base.AcceptanceParams` (``stake_scale``): with salience
   ``s = 1 - exp(-stake / stake_scale)``, ``p = s * p_logit + (1 - s) * default``, where the
   default of a member with nothing at stake is to go along in a body and to keep the status quo
   alone (:func:`silence_defaults`), and ``stake`` counts the reasons against that default
   (:func:`stake_against`: only an objection breaks silence);
3. the deciding sides' rules combine the acceptances (:func:`detente.decisions.sides_probability`:
   every side must agree).

Hegemonic organisations (leader-follower, selectable). With ``follow > 0``
(:func:`led_sides_probability`), a side that is an organisation led by a hegemon decides by
:func:`detente.institutions.rules.leader_follower`: each other member copies the leader's choice
with probability ``follow``. The leader is read from the world by one documented rule
(:func:`hegemon`): the member with the largest share of the side's members' military expenditure
(the world's ``milex``, through its fill rule) as known on the snapshot's day, and the
organisation counts as hegemonic only if that share is at least :data:`HEGEMONY_SHARE`. No actor id
is named anywhere: in the built-in world the rule picks the United States in NATO and Russia in the
CST/CSTO because of their spending. ``follow = 0`` (the default) is the rule itself.

This module sits below both explanations (:mod:`detente.explanation`, which adds pivots and
counterfactuals) and backtests (:mod:`detente.experiments.backtest`, which scores ``P(yes)``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.decisions import Question, Side, deciding_sides, sides_probability
from detente.institutions import p_accept
from detente.institutions.rules import joint, leader_follower
from detente.lenses.base import AcceptanceParams, Lens, Preferences
from detente.world import Snapshot, fill_capability

__all__ = [
    "HEGEMONY_SHARE",
    "Decision",
    "acceptance",
    "decide",
    "hegemon",
    "led_sides_probability",
    "lens_probability",
    "probability",
    "silence_defaults",
    "stake_against",
]

HEGEMONY_SHARE = 0.5
"""A side is led by a hegemon when one member holds at least this share of the members' military
expenditure: more than all the others together (the "preponderance" reading of hegemony; Keohane
1984, *After Hegemony*, ch. 3)."""


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
    margins, term_margins = prefs.margins, prefs.term_margins
    out = {}
    for actor, d in defaults.items():
        i = prefs.index(actor)
        p = float(p_accept(margins[i], params.scale))
        if params.stake_scale > 0:
            salience = 1.0 - math.exp(-stake_against(term_margins[:, i], d) / params.stake_scale)
            p = salience * p + (1.0 - salience) * d
        out[actor] = p
    return out


def stake_against(terms: ArrayLike, default: float) -> float:
    """What an actor has at stake *against* its default: the reasons that make it break silence.

    Under the silence procedure a member that goes along by default (``default`` 1) breaks
    silence only to object, so only its reasons against the proposal (the negative terms) make
    it act; a state deciding alone (``default`` 0) moves off the status quo only for reasons in
    favour (the positive terms). Counting every reason, as the total stake does, would let a
    reason *for* the default pull an actor away from it: a member with a small reason to accept
    would accept less often than an indifferent one. With this stake, ``P(accept)`` never falls
    when a term's value rises (``tests/lenses/test_acceptance.py``).
    """
    t = np.asarray(terms, dtype=float)
    return float(-t[t < 0].sum()) if default >= 0.5 else float(t[t > 0].sum())


def hegemon(snap: Snapshot, side: Side) -> int | None:
    """Index (in ``side.actors``) of the side's hegemon, or ``None`` if it has none.

    The rule (module docstring): among the members of an organisation's side (two or more
    members), the one with the largest military expenditure known on the snapshot's day
    (:func:`detente.world.fill_capability`, ``milex``), provided its share of the members' total is
    at least :data:`HEGEMONY_SHARE`. A side whose members' spending is entirely unknown, a state
    alone and an ad-hoc group (no ``org``) have no hegemon. Ties go to the earlier member in the
    side's (sorted) order, so the result never depends on anything but the data.
    """
    if side.org is None or len(side.actors) < 2:
        return None
    values = []
    for actor in side.actors:
        cv = fill_capability(snap, actor, "milex")
        values.append(cv.value if cv is not None else 0.0)
    total = sum(values)
    if total <= 0:
        return None
    lead = max(range(len(values)), key=lambda i: (values[i], -i))
    return lead if values[lead] / total >= HEGEMONY_SHARE else None


def led_sides_probability(
    sides: Sequence[Side],
    acceptance: Mapping[str, ArrayLike],
    snap: Snapshot,
    follow: float = 0.0,
) -> NDArray[np.float64]:
    """:func:`detente.decisions.sides_probability` with hegemonic sides deciding leader-follower.

    Every side must say yes (independently). A side with a :func:`hegemon` decides by
    :func:`detente.institutions.rules.leader_follower` with chance ``follow`` of each member
    copying the leader (its rule, quota, weights and ``rho`` kept); other sides by their rule.
    ``follow = 0`` gives exactly :func:`detente.decisions.sides_probability`.
    """
    if not 0.0 <= follow <= 1.0:
        raise ValueError(f"follow must lie in [0, 1], got {follow!r}")
    if follow == 0.0:
        return sides_probability(tuple(sides), acceptance)
    missing = sorted({a for s in sides for a in s.actors} - set(acceptance))
    if missing:
        return sides_probability(tuple(sides), acceptance)  # raises, naming them
    per_side = []
    for side in sides:
        columns = np.broadcast_arrays(*(np.asarray(acceptance[a], float) for a in side.actors))
        p = np.stack(columns, axis=-1)
        lead = hegemon(snap, side)
        if lead is None:
            per_side.append(side.probability(p))
            continue
        per_side.append(
            leader_follower(
                p,
                lead,
                follow,
                side.rule,
                weights=side.weights,
                quota=side.quota,
                rho=side.rho,
            )
        )
    return joint(*per_side)


def probability(
    prefs: Preferences,
    sides: Sequence[Side],
    question: Question,
    params: AcceptanceParams,
    *,
    snap: Snapshot | None = None,
    follow: float = 0.0,
) -> float:
    """Probability of the yes outcome given the preferences.

    With ``follow > 0`` (and the ``snap`` that the hegemon is read from), hegemonic sides decide
    leader-follower (:func:`led_sides_probability`).
    """
    acc = acceptance(prefs, sides, question, params)
    if follow > 0.0:
        if snap is None:
            raise ValueError("leader-follower needs the snapshot its leader is read from")
        return float(led_sides_probability(sides, acc, snap, follow))
    return float(sides_probability(tuple(sides), acc))


def decide(lens: Lens, snap: Snapshot, question: Question, *, follow: float = 0.0) -> Decision:
    """Run the decision process of ``question`` under ``lens`` as of ``snap``.

    ``follow > 0`` selects the leader-follower process for hegemonic sides (module docstring).
    """
    sides = tuple(deciding_sides(question, snap))
    prefs = lens.preferences(snap, question)
    acc = acceptance(prefs, sides, question, lens.params)
    return Decision(sides, prefs, acc, float(led_sides_probability(sides, acc, snap, follow)))


def lens_probability(
    lens: Lens, snap: Snapshot, question: Question, *, follow: float = 0.0
) -> float:
    """``P(yes outcome)`` of ``question`` under ``lens`` as of ``snap`` (``follow``: see
    :func:`decide`)."""
    return decide(lens, snap, question, follow=follow).p_yes
