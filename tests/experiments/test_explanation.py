"""Explanations: structure, the nato-csto-2009 case, counterfactuals, the table bridge."""

from __future__ import annotations

import json

import pytest

from detente.decisions import get_episode
from detente.explanation import Explanation, explain, explanation_json, probability, why
from detente.lenses import LIBERAL, REALIST, get_lens
from detente.lenses.table import forecast_table_for, stakeholder_table
from detente.world import builtin_world


@pytest.fixture(scope="module")
def nato_csto_2009() -> tuple[Explanation, Explanation]:
    q = get_episode("nato-csto-2009")
    snap = builtin_world().at(q.date)
    return explain(q, snap, REALIST), explain(q, snap, LIBERAL)


def test_realist_nato_consensus_fails_with_the_us_as_blocker(nato_csto_2009) -> None:  # type: ignore[no-untyped-def]
    realist, _ = nato_csto_2009
    assert realist.outcome == "refuse" and realist.p_yes < 0.1
    nato = next(s for s in realist.sides if s.label == "NATO")
    assert nato.rule == "consensus" and nato.p_yes < 0.1
    top = realist.pivots[0]
    assert (top.actor, top.role) == ("USA", "blocker")
    assert realist.pivot_terms[0][:2] == ("USA", "relative_gains")
    # the outcome turns on relative gains, even though agreeing small members sum to more
    assert realist.decisive_term is not None
    assert realist.decisive_term.target == "relative_gains"
    assert any(
        "USA is a pivotal blocker" in line and "relative_gains" in line for line in why(realist)
    )


def test_liberal_engages_on_shared_threats(nato_csto_2009) -> None:  # type: ignore[no-untyped-def]
    realist, liberal = nato_csto_2009
    # NATO's side engages on the threats it shares with the CSTO states
    nato = next(s for s in liberal.sides if s.label == "NATO")
    assert nato.p_yes > 0.5
    assert liberal.dominant_term == "shared_threat"
    # but Belarus, in a rivalry with the US since 1998 (relations.yaml), blocks on the CSTO side
    assert (liberal.pivots[0].actor, liberal.pivots[0].role) == ("BLR", "blocker")
    assert liberal.decisive_term is not None
    assert liberal.decisive_term.target == "defection_risk"
    assert realist.p_yes < liberal.p_yes


def test_counterfactuals(nato_csto_2009) -> None:  # type: ignore[no-untyped-def]
    realist, liberal = nato_csto_2009
    cf = {(c.kind, c.target): c for c in realist.counterfactuals}
    # without the US's objection the chance rises (the CSTO side, with Belarus, still hesitates)
    assert cf[("indifferent", "USA")].change > 0
    assert cf[("no-term", "relative_gains")].change > 0
    assert {t for k, t in cf if k == "no-term"} == {t.name for t in REALIST.terms}
    assert cf[("lens", "liberal")].p_yes == pytest.approx(liberal.p_yes)
    for c in realist.counterfactuals:
        assert c.change == pytest.approx(c.p_yes - realist.p_yes)


def test_structure_and_json(nato_csto_2009) -> None:  # type: ignore[no-untyped-def]
    realist, _ = nato_csto_2009
    deciders = [a for a in realist.actors if a.side is not None]
    assert {a.side for a in deciders} == {"NATO", "CSTO"}
    for a in realist.actors:
        assert a.margin == pytest.approx(sum(v for _, v in a.terms))
        assert a.p_accept is None or 0.0 <= a.p_accept <= 1.0
    data = json.loads(json.dumps(explanation_json(realist), default=str))
    assert data["lens"] == "realist" and data["pivots"][0]["actor"] == "USA"
    assert set(data["term_totals"]) == {t.name for t in REALIST.terms}


def test_silence_procedure_and_pure_logit() -> None:
    q = get_episode("nato-csto-2009")
    snap = builtin_world().at(q.date)
    from detente.decisions import deciding_sides

    sides = deciding_sides(q, snap)
    lens = get_lens("liberal", {"stake_scale": 0})
    prefs = lens.preferences(snap, q)
    # with no stakes at all, a pure logit gives each of the 35 members 1/2: almost surely no
    nothing = prefs.replace_margins(prefs.term_margins * 0)
    assert probability(nothing, sides, q, lens.params) == pytest.approx(0.5**35)
    # under the silence procedure, members with nothing at stake go along
    assert probability(nothing, sides, q, LIBERAL.params) == pytest.approx(1.0)


def test_stakeholder_table_bridge() -> None:
    q = get_episode("nato-csto-2009")
    table = stakeholder_table(builtin_world().at(q.date), q, REALIST)
    assert table.d == 1 and table.n >= 3
    usa = table.actors.index("USA")
    assert table.position[usa, 0] < 10  # the US prefers the no end of the scale
    assert table.capability[usa] == max(table.capability)
    assert ((table.salience >= 0) & (table.salience <= 1)).all()
    liberal = forecast_table_for("nato-csto-2009", "liberal")
    assert liberal.position[liberal.actors.index("USA"), 0] > 90
    assert forecast_table_for("uzb-cst-1999", "realist").n >= 3
