"""A state's own membership choices (issue 10, brief u10c): the mechanisms each theory names.

* realist: Walt's bandwagoning when no ally is available (a body the threat itself sits in is no
  alternative), a consultative body aligns a state only at its binding, and an institutionalised
  alliance holds its members once the outside threat has faded (Walt 1997);
* liberal: a consultative body is a venue gained at little sovereignty cost (Keohane 1984; Abbott
  & Snidal 1998), and regime affinity weighs in a state's own membership choice only as far as the
  body binds it (Abbott & Snidal 2000).

Synthetic world of :mod:`tests.lenses.synthetic` for the features; the tests named
``test_face_validity_*`` pin clear cases on the built-in world (not a score).
"""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.lenses.builtin import p_yes

from detente.decisions import get_episode
from detente.lenses import LIBERAL, REALIST
from detente.lenses.features import Features, question_features
from detente.world import builtin_world
from detente.world.records import Membership

from .synthetic import DAY, SRC, make_world, membership


def _kaz_in_nato(*spells: tuple[dt.date, dt.date | None], action: str = "leave") -> Features:
    extra: list[object] = [
        Membership(actor="KAZ", org="NATO", start=a, end=b, sources=SRC) for a, b in spells
    ]
    world = make_world(extra=extra)
    feats = question_features(
        world.at(DAY), membership("KAZ", "NATO", action), REALIST.params, history=[]
    )
    return next(f for f in feats if f.actor == "KAZ")


def _builtin(episode: str, lens_name: str, actor: str | None = None) -> Features:
    q = get_episode(episode)
    lens = {"realist": REALIST, "liberal": LIBERAL}[lens_name]
    feats = question_features(builtin_world().at(q.date), q, lens.params)
    return next(f for f in feats if f.actor == (actor or q.proposer))


def _terms(episode: str, lens_name: str) -> dict[str, float]:
    q = get_episode(episode)
    lens = {"realist": REALIST, "liberal": LIBERAL}[lens_name]
    return dict(lens.preferences(builtin_world().at(q.date), q).margin_terms(q.proposer))


# -- institutionalisation (Walt 1997) -----------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=5000))
def test_institutionalisation_grows_with_unbroken_tenure(days: int) -> None:
    start = DAY - dt.timedelta(days=days)
    feat = _kaz_in_nato((start, None))
    halflife = REALIST.params.persistence_halflife  # type: ignore[attr-defined]
    expected = 1.0 - math.exp(-math.log(2.0) * days / (365.25 * halflife))
    assert math.isclose(feat.I, expected, rel_tol=1e-9)
    assert 0.0 < feat.I < 1.0
    longer = _kaz_in_nato((start - dt.timedelta(days=365), None))
    assert longer.I > feat.I


def test_a_broken_membership_counts_from_the_return() -> None:
    back = dt.date(2004, 6, 1)
    feat = _kaz_in_nato((dt.date(1995, 1, 1), dt.date(2001, 1, 1)), (back, None))
    only_return = _kaz_in_nato((back, None))
    assert math.isclose(feat.I, only_return.I)


def test_institutionalisation_is_read_only_for_a_members_own_exit() -> None:
    assert _kaz_in_nato((dt.date(2000, 1, 1), None)).I > 0
    assert _kaz_in_nato(action="join").I == 0  # not a member: nothing institutionalised to leave
    # the liberal lens does not weigh persistence, so it never reads the feature
    extra: list[object] = [
        Membership(actor="KAZ", org="NATO", start=dt.date(2000, 1, 1), sources=SRC)
    ]
    feats = question_features(
        make_world(extra=extra).at(DAY),
        membership("KAZ", "NATO", "leave"),
        LIBERAL.params,
        history=[],
    )
    assert next(f for f in feats if f.actor == "KAZ").I == 0


def test_a_partnership_is_a_consultative_membership_and_an_alliance_is_not() -> None:
    feats = question_features(
        make_world().at(DAY), membership("KAZ", "EAPC", "join"), REALIST.params, history=[]
    )
    assert next(f for f in feats if f.actor == "KAZ").consultative
    assert not _kaz_in_nato(action="join").consultative


# -- face validity on the built-in world --------------------------------------------------------


def test_face_validity_realist_weak_states_at_war_bandwagon_into_the_cst_1993() -> None:
    # Azerbaijan, losing the Karabakh war to an Armenia Russia backs, has no ally against Russia:
    # the bodies it sits in (UN, CSCE, NACC) include Russia, so it bandwagons (Walt 1987, ch. 5)
    for episode in ("aze-cst-1993", "geo-cst-1993"):
        feat = _builtin(episode, "realist")
        assert feat.omega > 0.5, (episode, feat.omega)
        terms = _terms(episode, "realist")
        assert terms["balance_of_threat"] > 0, (episode, terms)
        assert sum(terms.values()) > 0, (episode, terms)


def test_face_validity_realist_armenia_joins_pfp_although_turkey_is_in_nato() -> None:
    # a consultative body aligns Armenia with the Turkish-American camp only at its binding
    terms = _terms("arm-pfp-1994", "realist")
    feat = _builtin("arm-pfp-1994", "realist")
    assert feat.consultative and feat.B == 0.25
    assert math.isclose(terms["balance_of_threat"], -feat.theta * feat.B)
    assert p_yes("arm-pfp-1994", "realist") > 0.5


def test_face_validity_realist_an_old_ally_stays_once_its_threat_has_gone() -> None:
    # Denmark in 1999: little outside threat, so autonomy alone would take it out of NATO;
    # fifty years of an institutionalised alliance keep it in (Walt 1997)
    assert p_yes("gen-leave-dnk-nato-1999", "realist") < 0.2
    terms = _terms("gen-leave-dnk-nato-1999", "realist")
    assert min(terms, key=lambda t: terms[t]) == "alliance_persistence"


def test_face_validity_liberal_post_soviet_states_join_pfp_as_a_venue() -> None:
    # Kazakhstan, Georgia and Azerbaijan joined in 1994 despite regimes unlike the allies'
    for episode in ("kaz-pfp-1994", "geo-pfp-1994", "aze-pfp-1994"):
        assert p_yes(episode, "liberal") > 0.5, episode
        terms = _terms(episode, "liberal")
        assert max(terms, key=lambda t: terms[t]) == "venue_gain", terms


def test_regime_affinity_weighs_in_a_states_own_choice_as_far_as_the_body_binds() -> None:
    pfp = _builtin("kaz-pfp-1994", "liberal")
    assert math.isclose(_terms("kaz-pfp-1994", "liberal")["regime_affinity"], pfp.A * 0.25)
    cst = _builtin("blr-cst-1999", "liberal")
    assert math.isclose(_terms("blr-cst-1999", "liberal")["regime_affinity"], -cst.A * cst.B)
    assert cst.B == 0.75
