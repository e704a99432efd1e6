"""Grieco's own gain ``V`` from membership of a security body without a defence clause (issue 10).

A partnership, forum or regional security body pools its members' means at the consultation
grade, like a bloc-level engagement, so a state joining it gains ``V = 0.25 * g``, ``g`` what the
body's means add to its own; an alliance's gain is its defence (``alliance_security``), not
counted twice; an economic community gains the market it opens, ``M``. Synthetic world of
:mod:`tests.lenses.synthetic`, plus built-in face-validity cases.
"""

from __future__ import annotations

from tests.lenses.builtin import p_yes

from detente.decisions import Episode, get_episode
from detente.lenses import REALIST
from detente.lenses.features import ENGAGEMENT_BINDING, question_features
from detente.world import builtin_world

from .synthetic import DAY, make_world, membership


def _v(question: Episode) -> float:
    feats = question_features(make_world().at(DAY), question, REALIST.params, history=[])
    (mine,) = [f for f in feats if f.actor == question.proposer]
    return mine.s * mine.V


def test_joining_a_partnership_gains_the_consultation_grade_of_its_means() -> None:
    snap = make_world().at(DAY)
    q = membership("KAZ", "EAPC", "leave")  # KAZ is a partner of the EAPC in the fixture
    (kaz,) = [f for f in question_features(snap, q, REALIST.params, history=[]) if f.actor == "KAZ"]
    assert kaz.V == ENGAGEMENT_BINDING * kaz.H  # g = cap_C / (cap_C + cap_KAZ) = H
    assert kaz.s == -1.0 and _v(q) < 0  # leaving gives the gain up


def test_an_alliance_gains_through_its_defence_not_twice() -> None:
    assert _v(membership("KAZ", "NATO", "join")) == 0.0


def _realist(episode: str) -> float:
    return p_yes(episode, "realist")


def test_face_validity_realist_states_join_the_partnership_for_peace() -> None:
    # Poland, 1994: a consultation-level tie with NATO's means is worth more than the autonomy a
    # partnership binds (it joined, as did 25 of the 27 states invited in 1994)
    assert _realist("pol-pfp-1994") > 0.5
    q = get_episode("pol-pfp-1994")
    terms = REALIST.preferences(builtin_world().at(q.date), q).margin_terms("POL")
    assert max(terms, key=lambda t: terms[t]) == "own_gain"


def test_face_validity_realist_members_stay_in_the_osce() -> None:
    # leaving a consultative security body gives its gain up (no member ever left the OSCE)
    assert _realist("gen-leave-deu-osce-1999") < 0.2


def test_face_validity_realist_judges_an_economic_community_by_its_market() -> None:
    # Uzbekistan joins EurAsEC in 2006 for the market of its members (Russia, Kazakhstan), not
    # for a defence clause; Kazakhstan does not leave it (2007)
    assert _realist("uzb-eaec-2006") > 0.5
    q = get_episode("uzb-eaec-2006")
    terms = REALIST.preferences(builtin_world().at(q.date), q).margin_terms("UZB")
    assert max(terms, key=lambda t: terms[t]) == "own_gain"
    assert terms["alliance_security"] == terms["balance_of_threat"] == 0.0
    assert _realist("gen-leave-kaz-eaec-2007") < 0.2
