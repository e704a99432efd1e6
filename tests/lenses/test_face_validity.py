"""Face-validity tests (issue 10, item 7): clear cases the theories must get right on the built-in
world. They pin each lens's predictions on these cases; they are not a score. Every number comes
from the lens terms and the world's facts: no rule here or in the lenses is keyed on an id."""

from __future__ import annotations

import functools

import pytest

from detente.decision import decide
from detente.decisions import get_episode
from detente.explanation import explain
from detente.lenses import LIBERAL, REALIST, Lens
from detente.world import builtin_world


@functools.cache
def _p(episode: str, lens_name: str) -> float:
    lens: Lens = {"realist": REALIST, "liberal": LIBERAL}[lens_name]
    q = get_episode(episode)
    return decide(lens, builtin_world().at(q.date), q).p_yes


LEAVERS_1999 = ("uzb-cst-1999", "geo-cst-1999", "aze-cst-1999")
STAYERS_1999 = ("arm-cst-1999", "blr-cst-1999", "kaz-cst-1999", "kgz-cst-1999", "tjk-cst-1999")


@pytest.mark.xfail(
    strict=True,
    reason=(
        "face validity not met, for want of data (issue 10, open): with the 1992-93 Abkhazia war "
        "coded from Human Rights Watch's 1995 report, Georgia leaves with P 0.997, but on 1 Feb "
        "1999 the world still codes no Russian hostility towards Uzbekistan (its RUS-UZB rivalry "
        "starts on 1 Mar 1999, from the exit announcement), so Uzbekistan (P(leave) 0.493) looks "
        "like Kyrgyzstan (0.744) and Kazakhstan (0.717); left failing rather than tuned"
    ),
)
def test_face_validity_realist_ranks_the_1999_leavers_above_the_stayers() -> None:
    leave = {e: _p(e, "realist") for e in LEAVERS_1999 + STAYERS_1999}
    assert min(leave[e] for e in LEAVERS_1999) > max(leave[e] for e in STAYERS_1999), leave


@pytest.mark.parametrize("episode", ["blr-cst-1999", "arm-cst-1999"])
def test_face_validity_realist_belarus_and_armenia_stay(episode: str) -> None:
    assert 1.0 - _p(episode, "realist") > 0.7
    q = get_episode(episode)
    terms = REALIST.preferences(builtin_world().at(q.date), q).margin_terms(q.proposer)
    # they stay for the defence the alliance gives them against threats outside it
    assert min(terms, key=lambda t: terms[t]) == "alliance_security"


def test_face_validity_poland_and_the_baltic_states_are_among_the_most_reluctant_allies() -> None:
    q = get_episode("nato-csto-2009")
    expl = explain(q, builtin_world().at(q.date), REALIST, compare=[])
    allies = sorted((a.p_accept, a.actor) for a in expl.actors if a.side == "NATO")
    assert len(allies) == 28
    # the reluctant are the allies who lean no (P(accept) < 0.5), a minority of the 28
    reluctant = {actor for p, actor in allies if p is not None and p < 0.5}
    assert len(reluctant) == expl.leaning_no < 14, allies
    assert {"POL", "EST", "LVA", "LTU"} <= reluctant, allies
    assert len(reluctant - {"USA"}) >= 4  # more allies than the US hold back
    for actor in ("POL", "EST", "LVA", "LTU"):
        terms = dict(next(a.terms for a in expl.actors if a.actor == actor))
        assert min(terms, key=lambda t: terms[t]) == "balance_of_threat"


@pytest.mark.parametrize("episode", ["nato-russia-1997", "nrc-resume-2009"])
def test_face_validity_founding_act_and_nrc_resumption_are_possible(episode: str) -> None:
    assert max(_p(episode, "realist"), _p(episode, "liberal")) > 0.3


@pytest.mark.parametrize("episode", ["nrc-suspend-2008", "nrc-suspend-2014"])
def test_face_validity_liberal_lowers_cooperation_after_a_breach(episode: str) -> None:
    q = get_episode(episode)
    snap = builtin_world().at(q.date)
    assert _p(episode, "liberal") < 0.5
    prefs = LIBERAL.preferences(snap, q)
    usa = prefs.margin_terms("USA")
    assert usa["reciprocity"] < 0  # Russia's use of force against a partner of the allies
    expl = explain(q, snap, LIBERAL, compare=[])
    without = next(c for c in expl.counterfactuals if c.target == "reciprocity")
    assert without.p_yes > expl.p_yes
