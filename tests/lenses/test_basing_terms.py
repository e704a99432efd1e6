"""Basing under both lenses (issue 10, brief u10b): the host's lease (liberal ``commitment``, Chayes
& Chayes 1993) and the user's capacity to coerce a host that would expel it (realist
``coercion_cost``, Walt 1987; Cooley 2008), on the built-in world.

The tests named ``test_face_validity_*`` pin clear cases (they are not a score); they pass through
the terms and the world's facts, never through a rule keyed on an episode or actor id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.lenses.builtin import p_yes

from detente.decisions import get_episode
from detente.lenses import LIBERAL, REALIST
from detente.lenses.features import (
    WorldView,
    basing_lease,
    coercion_capacity,
    question_features,
    question_tie,
)
from detente.world import builtin_world


def _view(day: str) -> WorldView:
    return WorldView(builtin_world().at(dt.date.fromisoformat(day)))


def _features(episode: str, actor: str, params: object = REALIST.params) -> dict[str, float]:
    q = get_episode(episode)
    feats = question_features(builtin_world().at(q.date), q, params)
    f = next(f for f in feats if f.actor == actor)
    return {"Z": f.Z, "O": f.O, "s": f.s}


def test_a_lease_is_known_only_from_its_evidence() -> None:
    # the only source of the 1994 Baikonur lease was published on 9 Jan 2004 (knowledge time)
    assert basing_lease(_view("2003-06-01"), "KAZ", "RUS") == 0.0
    assert basing_lease(_view("2004-06-01"), "KAZ", "RUS") == 1.0


def test_a_lease_binds_until_its_agreement_ends() -> None:
    assert basing_lease(_view("2013-01-01"), "UKR", "RUS") == 1.0
    # both fleet agreements ended on 1 Apr 2014
    assert basing_lease(_view("2015-01-01"), "UKR", "RUS") == 0.0


def test_no_lease_is_recorded_where_none_was_in_force() -> None:
    # Russia's 1995 base treaty with Georgia was never ratified; no agreement binds Georgia
    assert basing_lease(_view("2000-01-01"), "GEO", "RUS") == 0.0
    # the lease is between the two states only: a third state is not bound by it
    assert basing_lease(_view("2000-01-01"), "UKR", "USA") == 0.0


def test_coercion_capacity_of_a_neighbouring_great_power() -> None:
    f = _features("geo-vaziani-1999", "GEO")
    assert 0.9 < f["Z"] <= 1.0  # Russia borders Georgia and holds nearly all of the two's means
    assert _features("geo-vaziani-1999", "RUS")["Z"] == 0.0  # the user does not coerce itself


def test_a_distant_user_reaches_its_host_only_at_the_distance_discount() -> None:
    z = _features("uzb-k2-2005", "UZB")["Z"]
    assert 0.0 < z <= REALIST.params.distance_discount  # type: ignore[attr-defined]


def test_no_coercion_capacity_without_forces_in_place() -> None:
    # Russia had no forces in Kyrgyzstan before Kant (2003): nothing in place to remove
    assert _features("kgz-kant-2003", "KGZ")["Z"] == 0.0


@settings(max_examples=15, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0))
def test_coercion_capacity_scales_with_reach(discount: float) -> None:
    q = get_episode("uzb-k2-2005")
    view = WorldView(builtin_world().at(q.date))
    params = dataclasses.replace(REALIST.params, distance_discount=discount)  # type: ignore[type-var]
    base = dataclasses.replace(REALIST.params, distance_discount=1.0)  # type: ignore[type-var]
    tie = question_tie(q)
    z = coercion_capacity(view, "UZB", tie, params)
    assert 0.0 <= z <= 1.0
    assert abs(z - discount * coercion_capacity(view, "UZB", tie, base)) < 1e-12


def _margin_terms(episode: str, lens: object, actor: str) -> dict[str, float]:
    q = get_episode(episode)
    prefs = lens.preferences(builtin_world().at(q.date), q)  # type: ignore[attr-defined]
    return dict(prefs.margin_terms(actor))


def test_face_validity_ukraine_keeps_the_black_sea_fleet_under_its_lease_1999() -> None:
    """Ukraine kept the fleet it had leased to Russia in 1997 (a clear case for both lenses)."""
    episode = "gen-keep-black-sea-fleet-sevastopol-1999"
    assert p_yes(episode, "realist") > 0.5
    assert p_yes(episode, "liberal") > 0.5
    realist = _margin_terms(episode, REALIST, "UKR")
    liberal = _margin_terms(episode, LIBERAL, "UKR")
    # the realist host keeps what it cannot remove; the liberal host honours the lease
    assert max(realist, key=lambda t: realist[t]) == "coercion_cost"
    assert max(liberal, key=lambda t: liberal[t]) == "commitment"
    assert liberal["commitment"] == 1.0


def test_face_validity_a_distant_user_is_expelled_2005() -> None:
    """Uzbekistan evicted the US from K2 (2005): a distant user cannot coerce its host, so the
    realist lens's balance of threat outweighs the small coercion cost."""
    terms = _margin_terms("uzb-k2-2005", REALIST, "UZB")
    assert 0.0 < terms["coercion_cost"] <= 0.25
    assert p_yes("uzb-k2-2005", "realist") < 0.5
