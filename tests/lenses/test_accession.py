"""The allies' side of an accession (detente.lenses.accession): the realist ``guarantee_cost`` and
the liberal ``community_norms``. The tests named ``test_face_validity_*`` pin clear cases on the
built-in world (docs/lenses.md, "Face-validity tests"); they pass through the terms and the
world's data, and nothing here or in the lenses is keyed on an id."""

from __future__ import annotations

import pytest
from tests.lenses.builtin import p_yes

from detente.decisions import get_episode
from detente.lenses import LIBERAL, REALIST
from detente.lenses.accession import PROGRAMME_OUTCOMES, admission
from detente.lenses.features import WorldView, question_tie
from detente.world import builtin_world


def _terms(episode: str, lens: object, actor: str) -> dict[str, float]:
    q = get_episode(episode)
    return lens.preferences(builtin_world().at(q.date), q).margin_terms(actor)  # type: ignore[attr-defined]


def test_face_validity_madrid_1997_poland_above_albania_under_both_lenses() -> None:
    # Poland spends more than the least capable ally and is a democracy; Albania (1996 POLITY2 0)
    # spends less than Luxembourg
    for lens in ("realist", "liberal"):
        assert p_yes("pol-nato-1997", lens) > p_yes("alb-nato-1997", lens) + 0.3, lens


def test_face_validity_poland_still_invited_under_the_realist_lens() -> None:
    # the existing case of test_acceptance.py: no realist reason against Poland appears
    assert p_yes("pol-nato-1997", "realist") > 0.9
    assert _terms("pol-nato-1997", REALIST, "USA")["guarantee_cost"] == 0.0


@pytest.mark.parametrize("state", ["alb", "bgr", "est", "lva", "ltu", "rou", "svk", "svn"])
def test_face_validity_1999_map_at_least_as_likely_as_an_invitation(state: str) -> None:
    # the criteria are what the MAP prepares an aspirant for, so they never count against it
    for lens in ("realist", "liberal"):
        invited = p_yes(f"{state}-nato-1999", lens) if state != "alb" else 0.0
        assert p_yes(f"{state}-nato-map-1999", lens) >= invited, (state, lens)


def test_face_validity_1999_no_invitation_without_a_programme_estonia() -> None:
    # Estonia in 1999: below Luxembourg's expenditure and four POLITY2 points below the allies
    assert p_yes("est-nato-1999", "realist") < 0.1
    assert p_yes("est-nato-1999", "liberal") < 0.1
    assert p_yes("est-nato-map-1999", "realist") > 0.9
    assert p_yes("est-nato-map-1999", "liberal") > 0.9


def test_guarantee_cost_numbers_estonia_1997() -> None:
    # 1996 SIPRI: Estonia 0.08435, Luxembourg 0.1864 (constant 2019 USD bn); Art. 5 grade 0.75
    t = _terms("est-nato-1997", REALIST, "DEU")["guarantee_cost"]
    assert t == pytest.approx(-0.75 * (1 - 0.08435 / 0.1864), rel=1e-9)


def test_community_norms_numbers_albania_1997() -> None:
    # Albania's 1996 POLITY2 is 0; the allies' expenditure-weighted mean is above 9
    q = get_episode("alb-nato-1997")
    snap = builtin_world().at(q.date)
    view = WorldView(snap)
    a = admission(view, "USA", question_tie(q), LIBERAL.params)
    assert a.p_candidate == 0.0 and a.p_members is not None and a.p_members > 9
    assert pytest.approx(min(1.0, a.p_members / 10)) == a.W
    assert _terms("alb-nato-1997", LIBERAL, "USA")["community_norms"] == pytest.approx(-a.W)


def test_the_candidate_itself_has_no_accession_term() -> None:
    assert _terms("alb-nato-1997", REALIST, "ALB")["guarantee_cost"] == 0.0
    assert _terms("alb-nato-1997", LIBERAL, "ALB")["community_norms"] == 0.0


def test_unknown_figures_set_no_floor_and_leave_no_shortfall() -> None:
    # Iceland's expenditure is unknown (SIPRI has no figure): the floor is Luxembourg's
    q = get_episode("est-nato-1997")
    view = WorldView(builtin_world().at(q.date))
    a = admission(view, "USA", question_tie(q), REALIST.params)
    assert a.floor_member == "LUX"
    # a lens without the weights computes nothing (and reads no regime score)
    none = admission(view, "USA", question_tie(q), object())
    assert none.Z == 0.0 and none.W == 0.0 and not view.regime_notes


def test_programme_outcomes_name_the_map_only() -> None:
    assert question_tie(get_episode("alb-nato-map-1999")).programme
    assert not question_tie(get_episode("est-nato-1999")).programme
    assert frozenset({"map"}) == PROGRAMME_OUTCOMES


def test_leaving_and_non_defence_bodies_have_no_accession_terms() -> None:
    for episode in ("uzb-cst-1999", "pol-pfp-1994"):
        q = get_episode(episode)
        view = WorldView(builtin_world().at(q.date))
        tie = question_tie(q)
        for actor in view.members(q.target):
            a = admission(view, actor, tie, REALIST.params)
            assert a.Z == 0.0 and a.grade == 0.0


def test_features_on_the_unit_interval_and_zero_for_every_map() -> None:
    from detente.decisions.episodes import builtin_episodes

    world = builtin_world()
    nato = [e for e in builtin_episodes() if e.target == "NATO" and e.action == "join"]
    assert len(nato) > 40
    for q in nato[::3]:
        view = WorldView(world.at(q.date))
        tie = question_tie(q)
        for actor in view.members("NATO")[::4]:
            for params in (REALIST.params, LIBERAL.params):
                a = admission(view, actor, tie, params)
                assert 0.0 <= a.Z <= 1.0 and 0.0 <= a.W <= 1.0
                if tie.programme:
                    assert a.Z == a.W == 0.0
