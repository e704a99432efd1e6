"""Explanations: structure, the nato-csto-2009 case, counterfactuals, the table bridge."""

from __future__ import annotations

import json

import pytest

from detente.decisions import deciding_sides, get_episode
from detente.explanation import Explanation, explain, explanation_json, probability, why
from detente.lenses import LIBERAL, REALIST, get_lens
from detente.lenses.table import forecast_table_for, stakeholder_table
from detente.world import builtin_world


@pytest.fixture(scope="module")
def nato_csto_2009() -> tuple[Explanation, Explanation]:
    q = get_episode("nato-csto-2009")
    snap = builtin_world().at(q.date)
    return explain(q, snap, REALIST), explain(q, snap, LIBERAL)


def test_realist_nato_refusal_has_more_reluctant_allies_than_the_us(nato_csto_2009) -> None:  # type: ignore[no-untyped-def]
    realist, _ = nato_csto_2009
    assert realist.outcome == "refuse" and realist.p_yes < 0.1
    (nato,) = realist.sides  # the allies decide; the CSTO, which asked for it, is no side
    assert nato.label == "NATO" and nato.rule == "consensus" and nato.p_yes < 0.1
    reluctant = {r.actor for r in realist.reluctant}
    assert realist.leaning_no > 1 and "USA" in {r.actor for r in realist.reluctant}
    assert reluctant - {"USA"}
    lines = why(realist)
    assert any(f"{realist.leaning_no} of 28 deciders lean refuse" in line for line in lines)
    assert realist.decisive_term is not None


def test_liberal_refuses_a_redundant_bloc_to_bloc_tie(nato_csto_2009) -> None:  # type: ignore[no-untyped-def]
    _, liberal = nato_csto_2009
    assert liberal.outcome == "refuse"
    cf = {(c.kind, c.target): c for c in liberal.counterfactuals}
    # the EAPC already reaches every CSTO member: without that, the shared threats would carry it
    assert cf[("no-term", "redundancy")].change > 0.5
    assert liberal.decisive_term is not None and liberal.decisive_term.target == "redundancy"


def test_counterfactuals(nato_csto_2009) -> None:  # type: ignore[no-untyped-def]
    realist, liberal = nato_csto_2009
    cf = {(c.kind, c.target): c for c in realist.counterfactuals}
    assert {t for k, t in cf if k == "no-term"} == {t.name for t in REALIST.terms}
    assert cf[("no-term", "balance_of_threat")].change >= 0
    assert cf[("lens", "liberal")].p_yes == pytest.approx(liberal.p_yes)
    for c in realist.counterfactuals:
        assert c.change == pytest.approx(c.p_yes - realist.p_yes)


def test_structure_and_json(nato_csto_2009) -> None:  # type: ignore[no-untyped-def]
    realist, _ = nato_csto_2009
    deciders = [a for a in realist.actors if a.side is not None]
    assert {a.side for a in deciders} == {"NATO"}
    for a in realist.actors:
        assert a.margin == pytest.approx(sum(v for _, v in a.terms))
        assert a.p_accept is None or 0.0 <= a.p_accept <= 1.0
    data = json.loads(json.dumps(explanation_json(realist), default=str))
    assert data["lens"] == "realist"
    assert set(data["term_totals"]) == {t.name for t in REALIST.terms}
    # every number of the reluctant line is in the JSON
    accept = {a["actor"]: a["p_accept"] for a in data["actors"]}
    for r in data["reluctant"]:
        assert r["p_accept"] == accept[r["actor"]]
        assert (
            r["value"]
            == next(a for a in data["actors"] if a["actor"] == r["actor"])["terms"][r["term"]]
        )


def test_silence_procedure_and_pure_logit() -> None:
    q = get_episode("nato-csto-2009")
    snap = builtin_world().at(q.date)
    sides = deciding_sides(q, snap)
    lens = get_lens("liberal", {"stake_scale": 0})
    prefs = lens.preferences(snap, q)
    # with no stakes at all, a pure logit gives each of the 28 allies 1/2: almost surely no
    nothing = prefs.replace_margins(prefs.term_margins * 0)
    assert probability(nothing, sides, q, lens.params) == pytest.approx(0.5**28)
    # under the silence procedure, allies with nothing at stake go along with their own body
    assert probability(nothing, sides, q, LIBERAL.params) == pytest.approx(1.0)


def test_an_unsolicited_outside_offer_defaults_to_no_action() -> None:
    q = get_episode("nato-csto-2005")  # the CSTO's offer, presented by Russia
    snap = builtin_world().at(q.date)
    sides = deciding_sides(q, snap)
    assert [s.label for s in sides] == ["NATO"]  # the proposer consents to its own offer
    prefs = LIBERAL.preferences(snap, q)
    nothing = prefs.replace_margins(prefs.term_margins * 0)
    assert probability(nothing, sides, q, LIBERAL.params) == pytest.approx(0.0)


def test_stakeholder_table_bridge() -> None:
    q = get_episode("nato-csto-2009")
    table = stakeholder_table(builtin_world().at(q.date), q, REALIST)
    assert table.d == 1 and table.n >= 3
    usa = table.actors.index("USA")
    assert table.position[usa, 0] < 10  # the US prefers the no end of the scale
    assert table.capability[usa] == max(table.capability)
    assert ((table.salience >= 0) & (table.salience <= 1)).all()
    liberal = forecast_table_for("nato-csto-2009", "liberal")
    assert liberal.position[liberal.actors.index("USA"), 0] < 50
    assert forecast_table_for("uzb-cst-1999", "realist").n >= 3


def test_no_term_is_called_decisive_when_no_removal_moves_the_outcome() -> None:
    # Madrid 1997, realist: every ally invites Poland with P(accept) 1.00, and dropping any one
    # term leaves P(invited) at 1.000; naming the first of those zeros would be arbitrary
    from detente.explanation import DECISIVE_MIN

    q = get_episode("pol-nato-1997")
    e = explain(q, builtin_world().at(q.date), REALIST)
    changes = [abs(c.change) for c in e.counterfactuals if c.kind == "no-term"]
    assert changes and max(changes) < DECISIVE_MIN
    assert e.decisive_term is None
    lines = why(e)
    assert not any(line.startswith("Decisive term") for line in lines)
    assert any(line.startswith("No single term is decisive") for line in lines)
    assert json.loads(json.dumps(explanation_json(e)))["decisive_term"] is None
