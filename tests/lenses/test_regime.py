"""Regime type (Polity5 POLITY2) as the liberal lens reads it, and the term built on it."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from detente.decision import decide
from detente.decisions import deciding_sides, get_episode
from detente.explanation import explain, explanation_json
from detente.lenses import LIBERAL, REALIST
from detente.lenses.regime import regime_score, regime_similarity
from detente.world import Snapshot, builtin_world


@functools.cache
def _snap(episode: str) -> Snapshot:
    return builtin_world().at(get_episode(episode).date)


# Golden values typed from Polity5 p5v2018 (Marshall & Gurr 2020), column polity2.
@pytest.mark.parametrize(
    ("state", "year", "polity2"),
    [("RUS", 1998, 3), ("RUS", 2008, 4), ("BLR", 1998, -7), ("POL", 1996, 9), ("UKR", 2018, 4)],
)
def test_scores_are_polity5s_for_the_year_before_the_date(
    state: str, year: int, polity2: int
) -> None:
    score = regime_score(state, dt.date(year + 1, 6, 1))
    assert score is not None and (score.value, score.year, score.fill) == (polity2, year, None)


def test_unknown_stays_missing_and_a_carried_score_says_so() -> None:
    assert regime_score("ISL", dt.date(2000, 1, 1)) is None  # Polity5 does not code Iceland
    assert regime_score("AFG", dt.date(2005, 1, 1)) is None  # foreign interruption: no POLITY2
    assert regime_score("UKR", dt.date(2022, 5, 1)) is None  # past the carry limit (2018 + 2)
    carried = regime_score("UKR", dt.date(2021, 12, 17))
    assert (
        carried is not None and carried.year == 2018 and "carried forward" in (carried.fill or "")
    )
    converted = regime_score("AFG", dt.date(1993, 10, 9))
    assert (
        converted is not None and converted.value == 0 and "interregnum" in (converted.fill or "")
    )


def test_similarity_spans_minus_one_to_one() -> None:
    assert regime_similarity(10, 10) == 1.0
    assert regime_similarity(10, 0) == 0.0
    assert regime_similarity(10, -10) == -1.0


def test_the_allies_value_a_democratic_aspirant_by_its_polity_score() -> None:
    q = get_episode("pol-nato-1997")
    prefs = LIBERAL.preferences(_snap("pol-nato-1997"), q)
    # Poland 9 (1996) against a full democracy 10: 1 - 2 * 1 / 20
    assert prefs.margin_terms("DEU")["regime_affinity"] == pytest.approx(0.9)
    assert prefs.margin_terms("ISL")["regime_affinity"] == 0.0  # unknown: no information
    assert any(n.startswith("ISL: POLITY2 unknown") for n in prefs.notes)
    # the realist lens does not read regime type and notes nothing about it
    assert not any("POLITY2" in n for n in REALIST.preferences(_snap("pol-nato-1997"), q).notes)


def test_an_aspirant_consents_to_its_own_application() -> None:
    q = get_episode("pol-nato-1997")
    sides = deciding_sides(q, _snap("pol-nato-1997"))
    assert [s.label for s in sides] == ["NATO"] and "POL" not in sides[0].actors


def test_a_partners_plan_is_tabled_an_outside_blocs_offer_is_not() -> None:
    ipap = get_episode("geo-ipap-2004")  # Georgia sits with every ally in the EAPC
    assert deciding_sides(ipap, _snap("geo-ipap-2004"))[0].tabled
    offer = get_episode("csto-nato-2019")  # the CSTO has no seat in a NATO venue
    assert not deciding_sides(offer, _snap("csto-nato-2019"))[0].tabled
    # an ally with nothing at stake goes along with a tabled plan
    acc = decide(REALIST, _snap("geo-ipap-2004"), ipap).acceptance
    assert min(acc.values()) > 0.5


def test_explanations_name_the_facts_behind_the_reasons() -> None:
    q = get_episode("blr-cst-1999")
    expl = explain(q, _snap("blr-cst-1999"), REALIST, compare=[])
    facts = {term: text for actor, term, text in expl.facts if actor == "BLR"}
    assert "greatest threat outside it" in facts["alliance_security"]
    assert "union BLR-RUS-UN" in facts["autonomy_cost"]
    data = explanation_json(expl)
    assert any(line.startswith("Behind BLR's alliance_security") for line in data["why"])
    assert {"actor": "BLR", "term": "autonomy_cost", "text": facts["autonomy_cost"]} in data[
        "facts"
    ]
