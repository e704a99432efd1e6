"""Explanations read correctly (issue 10, item 5): no pivot without a stake, and a counterfactual
that moves the probability the 'wrong' way is explained in words."""

from __future__ import annotations

import dataclasses

from detente.explanation import explain, explanation_json, why
from detente.lenses import LIBERAL, Term, TermLens
from detente.lenses.features import Features

from .synthetic import engagement, make_world


def _lens(values: dict[str, float]) -> TermLens:
    def term(f: Features, p: object) -> float:
        return values.get(f.actor, 0.0)

    return TermLens("toy", "one made-up term", dataclasses.replace(LIBERAL.params), (
        Term("toy", "a fixed value per actor", "test", term),
    ))  # fmt: skip


def test_an_actor_with_no_stake_is_never_pivotal() -> None:
    q = engagement()  # the CSTO's offer to NATO: NATO's members decide
    expl = explain(q, make_world().at(q.date), _lens({}), compare=[])
    assert expl.pivots == ()
    assert {a for a, _ in expl.by_default} == {"DEU", "USA"}
    assert not [c for c in expl.counterfactuals if c.kind == "indifferent"]
    lines = why(expl)
    assert any("USA has nothing at stake" in line for line in lines)
    assert not any("swing 1.00" in line for line in lines)
    assert explanation_json(expl)["by_default"] == [
        {"actor": "DEU", "default": 0.0},
        {"actor": "USA", "default": 0.0},
    ]


def _two_term_lens(values: dict[str, tuple[float, float]]) -> TermLens:
    def gain(f: Features, p: object) -> float:
        return values.get(f.actor, (0.0, 0.0))[0]

    def cost(f: Features, p: object) -> float:
        return values.get(f.actor, (0.0, 0.0))[1]

    return TermLens("toy", "two made-up terms", dataclasses.replace(LIBERAL.params), (
        Term("gain", "a fixed gain per actor", "test", gain),
        Term("cost", "a fixed cost per actor", "test", cost),
    ))  # fmt: skip


def test_a_blocker_made_indifferent_can_lower_the_probability_and_says_why() -> None:
    q = engagement()
    # DEU is keen; the US has a reason for (+0.30) and a slightly larger one against (-0.35),
    # so it leans no but has a reason to take the offer up. Made indifferent, the US falls back
    # on the default for an unsolicited outside offer, no action, and the probability drops.
    lens = _two_term_lens({"USA": (0.30, -0.35), "DEU": (0.5, 0.0)})
    expl = explain(q, make_world().at(q.date), lens, compare=[])
    (usa,) = [p for p in expl.pivots if p.actor == "USA"]
    assert usa.role == "blocker"
    (cf,) = [c for c in expl.counterfactuals if c.kind == "indifferent" and c.target == "USA"]
    assert cf.change < 0
    assert cf.note is not None and "keeps the status quo" in cf.note
    assert any(line.startswith("Note on 'with USA indifferent'") for line in why(expl))
