"""Explanations: why a question comes out as it does under a lens, and what would change it.

For a question (or episode), a snapshot and a lens, :func:`explain` computes

* each stakeholder's utility margin ``U(yes) - U(no)``, split into the lens's named terms;
* each decider's probability of accepting and the probability of the yes outcome under the
  deciding sides' rules (the decision process of :mod:`detente.decision`);
* the pivotal members (:func:`detente.institutions.pivotal_members`), with the term that drives
  each one;
* counterfactuals: each top pivot made indifferent (every term 0), each term removed, and the
  question under every other registered lens.

The result is a frozen :class:`Explanation`; presentation (tables, JSON) lives in the CLI.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from detente.decision import acceptance, decide, lens_probability, probability, silence_defaults
from detente.decisions import Question, Side
from detente.institutions import Pivot, pivotal_members
from detente.lenses.base import Lens, ParamInfo, Preferences, param_info
from detente.lenses.registry import LENSES, lens_overrides
from detente.world import Snapshot

__all__ = [
    "ActorMargin",
    "Counterfactual",
    "Explanation",
    "Reluctant",
    "SideResult",
    "acceptance",
    "explain",
    "explanation_json",
    "lens_probability",
    "probability",
    "why",
]

TOP_PIVOTS = 3
"""How many pivots get an "indifferent" counterfactual."""
MIN_SALIENCE = 0.01
"""A decider whose salience (``1 - exp(-stake / stake_scale)``) is below this has nothing at stake
under the lens: it is never called pivotal (its default decides for it, see ``by_default``)."""
TOP_RELUCTANT = 5
"""How many of the most reluctant deciders an explanation names."""

DECISIVE_MIN = 5e-4
"""Smallest change of ``P(yes)`` (on [0, 1]) for which a term is called decisive: a removal that
moves the probability by less would print as ``+0.000`` at the explanation's three decimals, and
a term that changes nothing is no reason for the outcome."""


@dataclass(frozen=True)
class ActorMargin:
    """One stakeholder's margin, split into terms.

    ``side`` is the label of the side it decides in (``None`` for a stakeholder who does not
    decide); ``p_accept`` its acceptance probability (``None`` likewise); ``terms`` pairs of
    ``(term, contribution)`` in the lens's order; ``main_term`` the term with the largest
    absolute contribution.
    """

    actor: str
    side: str | None
    margin: float
    stake: float
    p_accept: float | None
    terms: tuple[tuple[str, float], ...]
    main_term: str


@dataclass(frozen=True)
class SideResult:
    """One deciding side: its rule, members and probability of saying yes."""

    label: str
    rule: str
    actors: tuple[str, ...]
    p_yes: float


@dataclass(frozen=True)
class Counterfactual:
    """A what-if: ``kind`` is ``indifferent`` (an actor), ``no-term`` (a term) or ``lens``.

    ``note`` says in words why the change goes the way it does when that is not the obvious way
    (a blocker made indifferent lowers ``P(yes)``, removing a term that pushes towards yes raises
    it): through the silence procedure, an actor with less at stake moves towards its default.
    """

    kind: str
    target: str
    label: str
    p_yes: float
    change: float
    note: str | None = None


@dataclass(frozen=True)
class Reluctant:
    """A decider leaning no: its acceptance probability and the term that pushes it hardest."""

    actor: str
    side: str
    p_accept: float
    term: str
    value: float


@dataclass(frozen=True)
class Explanation:
    """Why a question comes out as it does under one lens (see the module docstring).

    ``pivot_terms`` maps each pivot's actor to the term that pushes it hardest in its role's
    direction (most negative for a blocker, most positive for a decisive supporter);
    ``term_totals`` sums each term's contribution over the deciders; ``dominant_term`` is the
    term with the largest absolute total. ``reluctant`` lists the deciders with the lowest
    acceptance among the ``leaning_no`` of ``n_deciders`` who lean no; ``by_default`` the deciders
    with nothing at stake (salience below ``MIN_SALIENCE``) and the default that decides for them.
    """

    question_id: str
    date: str
    text: str
    lens: str
    params: tuple[ParamInfo, ...]
    yes_outcome: str
    no_outcome: str
    p_yes: float
    outcome: str
    recorded_outcome: str | None
    sides: tuple[SideResult, ...]
    actors: tuple[ActorMargin, ...]
    pivots: tuple[Pivot, ...]
    pivot_terms: tuple[tuple[str, str, float], ...]
    term_totals: tuple[tuple[str, float], ...]
    dominant_term: str
    counterfactuals: tuple[Counterfactual, ...]
    reluctant: tuple[Reluctant, ...] = ()
    leaning_no: int = 0
    n_deciders: int = 0
    by_default: tuple[tuple[str, float], ...] = ()
    filled: tuple[str, ...] = ()
    """Input values the sources do not give and how the lens filled them (one line each)."""
    facts: tuple[tuple[str, str, str], ...] = ()
    """``(actor, term, text)``: the world facts behind the terms of the pivotal and the most
    reluctant deciders, in words (:attr:`detente.lenses.base.Term.describe`)."""

    @property
    def decisive_term(self) -> Counterfactual | None:
        """The term whose removal moves ``P(yes)`` most: the counterfactual reason for the outcome.

        A sum over all deciders can be carried by many small, agreeing members while the outcome
        turns on one pivot's term; this asks instead which term the result depends on.
        """
        no_term = [c for c in self.counterfactuals if c.kind == "no-term"]
        best = max(no_term, key=lambda c: abs(c.change)) if no_term else None
        # a removal that moves nothing names no reason (the first of equal zeros would be arbitrary)
        return best if best is not None and abs(best.change) >= DECISIVE_MIN else None


def _side_results(sides: Sequence[Side], acc: Mapping[str, float]) -> list[SideResult]:
    return [
        SideResult(
            s.label, s.rule, s.actors, float(s.probability(np.array([acc[a] for a in s.actors])))
        )
        for s in sides
    ]


def _pivots(
    sides: Sequence[Side],
    side_results: Sequence[SideResult],
    acc: Mapping[str, float],
    stakes: Mapping[str, float],
    idle: set[str] | frozenset[str] = frozenset(),
) -> list[Pivot]:
    pivots: list[Pivot] = []
    for k, side in enumerate(sides):
        others = math.prod(r.p_yes for j, r in enumerate(side_results) if j != k)
        pivots.extend(
            pivotal_members(
                side.actors,
                [acc[a] for a in side.actors],
                side.rule,
                weights=side.weights,
                quota=side.quota,
                others=others,
            )
        )
    # Under consensus every supporter has about the same swing; among equals, those with more
    # at stake come first (they are the ones whose change of mind is plausible).
    pivots.sort(key=lambda p: (-round(p.swing, 2), -stakes.get(p.actor, 0.0), p.actor))
    seen: set[str] = set()
    unique = []
    for p in pivots:
        if p.actor in idle:  # nothing at stake: its default, not a reason, decides
            continue
        if p.swing <= 1e-9:
            continue
        if p.actor not in seen:
            seen.add(p.actor)
            unique.append(p)
    return unique


def _actor_margins(
    prefs: Preferences, side_of: Mapping[str, str], acc: Mapping[str, float]
) -> list[ActorMargin]:
    out = []
    tm, margins, stakes = prefs.term_margins, prefs.margins, prefs.stakes
    for i, actor in enumerate(prefs.actors):
        terms = tuple((t, float(tm[k, i])) for k, t in enumerate(prefs.terms))
        main = max(terms, key=lambda kv: abs(kv[1]))[0] if terms else ""
        out.append(
            ActorMargin(
                actor,
                side_of.get(actor),
                float(margins[i]),
                float(stakes[i]),
                acc.get(actor),
                terms,
                main,
            )
        )
    return out


def _pivot_term(prefs: Preferences, pivot: Pivot) -> tuple[str, str, float]:
    values = prefs.margin_terms(pivot.actor)
    if pivot.role == "blocker":
        term = min(values, key=lambda t: values[t])
    else:
        term = max(values, key=lambda t: values[t])
    return pivot.actor, term, values[term]


def _silence_note(
    actor: str, default: float, before: float, stake_scale: float, collective: bool
) -> str:
    what = "goes along (silence procedure)" if default >= 0.5 else "keeps the status quo"
    where = "in a body" if collective else "alone"
    return (
        f"an actor with nothing at stake {what} {where}: {actor}'s default acceptance is "
        f"{default:.0f}, against its P(accept) {before:.2f} (stake_scale {stake_scale:g})"
    )


def _counterfactuals(
    prefs: Preferences,
    sides: Sequence[Side],
    question: Question,
    lens: Lens,
    pivots: Sequence[Pivot],
    p_yes: float,
    others: Sequence[tuple[str, float]],
    acc: Mapping[str, float],
    totals: Mapping[str, float],
) -> list[Counterfactual]:
    defaults = silence_defaults(sides, question)
    collective = {a for s in sides if len(s.actors) > 1 for a in s.actors}
    scale = lens.params.stake_scale
    out = []
    for pv in pivots[:TOP_PIVOTS]:
        p = probability(prefs.indifferent(pv.actor), sides, question, lens.params)
        change = p - p_yes
        expected = 1.0 if pv.role == "blocker" else -1.0
        note = None
        if change * expected < -1e-12 or abs(change) < 1e-3 <= pv.swing:
            note = _silence_note(
                pv.actor, defaults[pv.actor], acc[pv.actor], scale, pv.actor in collective
            )
        out.append(
            Counterfactual("indifferent", pv.actor, f"with {pv.actor} indifferent", p, change, note)
        )
    for term in prefs.terms:
        p = probability(prefs.without_term(term), sides, question, lens.params)
        change = p - p_yes
        note = None
        total = totals.get(term, 0.0)
        if total * change > 1e-12:
            # removing a term that pushes towards yes raised P(yes), or the reverse
            note = (
                f"the {term} term sums to {total:+.2f} over the deciders, yet removing it moves "
                f"P({question.yes_outcome}) by {change:+.3f}: it also lowers their stakes, and a "
                "member with less at stake moves towards its default (to go along in a body, to "
                "keep the status quo alone)"
            )
        out.append(Counterfactual("no-term", term, f"with no {term} term", p, change, note))
    for name, p in others:
        out.append(Counterfactual("lens", name, f"under the {name} lens", p, p - p_yes))
    return out


def _reluctant(
    prefs: Preferences, sides: Sequence[Side], acc: Mapping[str, float]
) -> tuple[list[Reluctant], int, int]:
    side_of = {a: s.label for s in reversed(sides) for a in s.actors}
    leaning = []
    for actor, p in acc.items():
        if p >= 0.5:
            continue
        values = prefs.margin_terms(actor)
        term = min(values, key=lambda t: values[t]) if values else ""
        leaning.append(Reluctant(actor, side_of[actor], p, term, values.get(term, 0.0)))
    leaning.sort(key=lambda r: (r.p_accept, r.actor))
    return leaning[:TOP_RELUCTANT], len(leaning), len(acc)


def explain(
    question: Question,
    snap: Snapshot,
    lens: Lens,
    *,
    compare: Sequence[Lens] | None = None,
    settings: Mapping[str, object] | None = None,
) -> Explanation:
    """Explain ``question`` under ``lens`` as of ``snap`` (normally ``world.at(question.date)``).

    ``compare`` are the lenses of the "under the other lens" counterfactuals (default: every other
    registered lens, with the ``settings`` that apply to it, see
    :func:`detente.lenses.registry.lens_overrides`).
    """
    decision = decide(lens, snap, question)
    sides, prefs, acc, p_yes = decision.sides, decision.prefs, decision.acceptance, decision.p_yes
    side_results = _side_results(sides, acc)
    stakes = {a: float(z) for a, z in zip(prefs.actors, prefs.stakes, strict=True)}
    scale = lens.params.stake_scale
    salience = {
        a: (1.0 - math.exp(-z / scale)) if scale > 0 else (1.0 if z > 0 else 0.0)
        for a, z in stakes.items()
    }
    defaults = silence_defaults(sides, question)
    idle = {a for a in acc if salience[a] < MIN_SALIENCE}
    pivots = _pivots(sides, side_results, acc, stakes, idle)
    if compare is None:
        compare = [
            other.with_params(lens_overrides(settings or {}, name)) if settings else other
            for name, other in LENSES.items()
            if name != lens.name
        ]
    others = [(o.name, lens_probability(o, snap, question)) for o in compare if o.name != lens.name]
    side_of = {a: s.label for s in reversed(sides) for a in s.actors}
    deciders = [i for i, a in enumerate(prefs.actors) if a in side_of]
    totals = prefs.term_margins[:, deciders].sum(axis=1)
    term_totals = tuple((t, float(v)) for t, v in zip(prefs.terms, totals, strict=True))
    dominant = max(term_totals, key=lambda kv: abs(kv[1]))[0] if term_totals else ""
    reluctant, leaning_no, n_deciders = _reluctant(prefs, sides, acc)
    return Explanation(
        question_id=question.id,
        date=question.date.isoformat(),
        text=question.text,
        lens=lens.name,
        params=tuple(param_info(lens.params)),
        yes_outcome=question.yes_outcome,
        no_outcome=question.no_outcome,
        p_yes=p_yes,
        outcome=question.yes_outcome if p_yes >= 0.5 else question.no_outcome,
        recorded_outcome=getattr(question, "recorded_outcome", None),
        sides=tuple(side_results),
        actors=tuple(_actor_margins(prefs, side_of, acc)),
        pivots=tuple(pivots),
        pivot_terms=tuple(_pivot_term(prefs, p) for p in pivots),
        term_totals=term_totals,
        dominant_term=dominant,
        counterfactuals=tuple(
            _counterfactuals(
                prefs, sides, question, lens, pivots, p_yes, others, acc, dict(term_totals)
            )
        ),
        reluctant=tuple(reluctant),
        leaning_no=leaning_no,
        n_deciders=n_deciders,
        by_default=tuple((a, defaults[a]) for a in sorted(idle)),
        filled=prefs.notes,
        facts=_facts(prefs, pivots, reluctant),
    )


def _facts(
    prefs: Preferences, pivots: Sequence[Pivot], reluctant: Sequence[Reluctant]
) -> tuple[tuple[str, str, str], ...]:
    """The facts behind the terms of the pivots and the most reluctant deciders."""
    wanted = [p.actor for p in pivots[:3]] + [r.actor for r in reluctant if r.actor]
    order = {a: k for k, a in enumerate(dict.fromkeys(wanted))}
    picked = [f for f in prefs.facts if f[0] in order]
    return tuple(sorted(picked, key=lambda f: order[f[0]]))


def why(expl: Explanation, max_pivots: int = 3) -> list[str]:
    """A few sentences saying why: the outcome, the sides, the pivots or the reluctant members,
    the decisive term. Every number is a field of :func:`explanation_json`."""
    lines = [
        f"Under the {expl.lens} lens: {expl.outcome} (P({expl.yes_outcome}) = {expl.p_yes:.3f})."
    ]
    for side in expl.sides:
        verdict = "agrees" if side.p_yes >= 0.5 else "fails"
        lines.append(
            f"{side.label} ({side.rule}, {len(side.actors)} member(s)) {verdict}: "
            f"P(yes) = {side.p_yes:.3f}."
        )
    terms = {a: t for a, t, _ in expl.pivot_terms}
    values = {a: v for a, _, v in expl.pivot_terms}
    for pv in expl.pivots[:max_pivots]:
        lines.append(
            f"{pv.actor} is a pivotal {pv.role} (swing {pv.swing:.2f}, P(accept) "
            f"{pv.p_accept:.2f}); its strongest reason: {terms[pv.actor]} "
            f"({values[pv.actor]:+.2f})."
        )
    if expl.leaning_no > 1 or (expl.leaning_no and not expl.pivots):
        names = ", ".join(
            f"{r.actor} {r.p_accept:.2f} ({r.term} {r.value:+.2f})" for r in expl.reluctant
        )
        lines.append(
            f"{expl.leaning_no} of {expl.n_deciders} deciders lean {expl.no_outcome}; the most "
            f"reluctant, with P(accept) and strongest reason: {names}."
        )
        if not expl.pivots:
            lines.append(
                "No single member is pivotal: with so many leaning no, none of them changing its "
                "mind alone would move the outcome."
            )
    values_of = {a.actor: dict(a.terms) for a in expl.actors}
    for actor, term, text in expl.facts:
        value = values_of.get(actor, {}).get(term, 0.0)
        lines.append(f"Behind {actor}'s {term} ({value:+.2f}): {text}.")
    for actor, default in expl.by_default:
        what = "goes along" if default >= 0.5 else "keeps the status quo"
        lines.append(f"{actor} has nothing at stake under this lens and {what} by default.")
    decisive = expl.decisive_term
    if decisive is not None:
        lines.append(
            f"Decisive term: {decisive.target} (without it P({expl.yes_outcome}) = "
            f"{decisive.p_yes:.3f}, {decisive.change:+.3f})."
        )
    elif any(c.kind == "no-term" for c in expl.counterfactuals):
        lines.append(
            f"No single term is decisive: removing any one moves P({expl.yes_outcome}) by less "
            f"than {DECISIVE_MIN:g}."
        )
    for c in expl.counterfactuals:
        if c.note:
            lines.append(f"Note on '{c.label}' ({c.change:+.3f}): {c.note}.")
    total = dict(expl.term_totals)[expl.dominant_term] if expl.term_totals else 0.0
    lines.append(f"Largest term summed over all deciders: {expl.dominant_term} ({total:+.2f}).")
    if expl.filled:
        lines.append("Filled inputs (the sources give no figure): " + "; ".join(expl.filled) + ".")
    return lines


def explanation_json(expl: Explanation) -> dict[str, Any]:
    """A JSON-ready mapping of ``expl`` (plus the ``why`` sentences)."""
    data = asdict(expl)
    decisive = expl.decisive_term
    data["decisive_term"] = decisive.target if decisive is not None else None
    for a in data["actors"]:
        a["terms"] = dict(a["terms"])
    data["term_totals"] = dict(expl.term_totals)
    data["pivot_terms"] = [{"actor": a, "term": t, "value": v} for a, t, v in expl.pivot_terms]
    data["by_default"] = [{"actor": a, "default": d} for a, d in expl.by_default]
    data["facts"] = [{"actor": a, "term": t, "text": x} for a, t, x in expl.facts]
    data["why"] = why(expl)
    return data
