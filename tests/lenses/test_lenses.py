"""Lens terms, preferences, registry and overrides."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.decisions import get_episode
from detente.errors import DetenteError, InputError, UnknownIdError
from detente.lenses import (
    LENSES,
    LIBERAL,
    REALIST,
    Preferences,
    Term,
    TermLens,
    get_lens,
    lens_overrides,
    param_info,
    register_lens,
)
from detente.lenses.features import question_features
from detente.world import builtin_world

from .synthetic import engagement, make_world

unit = st.floats(0.0, 1.0)


def _prefs(lens: TermLens, world_kw: dict[str, float]) -> Preferences:
    """The lens's preferences on the synthetic engagement question, built once per world: every
    actor's margin and term below is read off the same result."""
    world = make_world(**world_kw)
    q = engagement()
    return lens.preferences(world.at(q.date), q)


def _margin(prefs: Preferences, actor: str) -> float:
    return float(prefs.margins[prefs.index(actor)])


def _term(prefs: Preferences, actor: str, term: str) -> float:
    return prefs.margin_terms(actor)[term]


@given(r1=unit, r2=unit)
def test_more_rivalry_never_raises_realist_utility_of_engagement(r1: float, r2: float) -> None:
    lo, hi = sorted((r1, r2))
    # Every actor but the leader of a contested bloc (RUS here, whose influence gain grows with
    # the rivalry: the FFI report's reason for Moscow's offers) likes engagement less.
    high, low = _prefs(REALIST, {"rivalry": hi}), _prefs(REALIST, {"rivalry": lo})
    for actor in ("USA", "DEU", "KAZ"):
        assert _margin(high, actor) <= _margin(low, actor) + 1e-12
    for actor in ("USA", "DEU", "KAZ", "RUS"):
        assert _term(high, actor, "relative_gains") <= _term(low, actor, "relative_gains") + 1e-12


@given(s1=unit, s2=unit)
def test_more_shared_threat_never_lowers_liberal_utility(s1: float, s2: float) -> None:
    lo, hi = sorted((s1, s2))
    high, low = _prefs(LIBERAL, {"severity": hi}), _prefs(LIBERAL, {"severity": lo})
    for actor in ("USA", "DEU", "RUS", "KAZ"):
        assert _margin(high, actor) >= _margin(low, actor) - 1e-12


def test_rivalry_term_signs_and_zero_without_rivalry() -> None:
    q = engagement()
    with_rivalry = REALIST.preferences(make_world(rivalry=0.6).at(q.date), q)
    without = REALIST.preferences(make_world(rivalry=0.0).at(q.date), q)
    assert with_rivalry.margin_terms("USA")["relative_gains"] < 0
    assert with_rivalry.margin_terms("USA")["influence"] < 0
    assert without.margin_terms("USA")["relative_gains"] == 0
    assert (
        LIBERAL.preferences(make_world(severity=0.0).at(q.date), q).margin_terms("KAZ")[
            "shared_threat"
        ]
        == 0
    )


def test_preferences_structure() -> None:
    q = engagement()
    prefs = LIBERAL.preferences(make_world().at(q.date), q)
    assert prefs.actors[:2] == ("KAZ", "RUS") or set(prefs.actors) == {"KAZ", "RUS", "DEU", "USA"}
    assert prefs.breakdown.shape == (len(LIBERAL.terms), len(prefs.actors), 2)
    assert not prefs.breakdown.flags.writeable
    no = 1 - prefs.yes_index
    assert np.all(prefs.breakdown[:, :, no] == 0)
    np.testing.assert_allclose(prefs.margins, prefs.term_margins.sum(axis=0))
    assert np.all(prefs.stakes >= np.abs(prefs.margins) - 1e-12)
    assert prefs.indifferent("USA").margin_terms("USA") == dict.fromkeys(prefs.terms, 0.0)


def test_features_are_on_unit_interval() -> None:
    q = engagement()
    for f in question_features(make_world(rivalry=1.0, severity=1.0).at(q.date), q, REALIST.params):
        for name in ("S", "H", "R", "F", "G_plus", "G_minus", "T", "O", "B", "D", "Q", "X"):
            assert 0.0 <= getattr(f, name) <= 1.0, name


def test_every_term_and_parameter_is_documented() -> None:
    for lens in LENSES.values():
        for term in lens.terms:
            assert term.formula and term.source
        for info in param_info(lens.params):
            assert info.doc and info.source and info.low <= info.default <= info.high


def test_get_lens_and_overrides() -> None:
    assert get_lens("realist", {"rivalry_weight": "0.5"}).params.rivalry_weight == 0.5
    assert get_lens("realist").params.rivalry_weight == 1.0  # registry copy untouched
    with pytest.raises(UnknownIdError, match="unknown lens 'marxist'"):
        get_lens("marxist")
    with pytest.raises(InputError, match="unknown parameter"):
        get_lens("realist", {"no_such": 1})
    with pytest.raises(InputError, match="not a number"):
        get_lens("liberal", {"ties_weight": "lots"})
    with pytest.raises(InputError, match="outside the valid range"):
        get_lens("realist", {"autonomy_floor": 2.0})


def test_lens_overrides_qualified_and_bare() -> None:
    settings = {"realist.rivalry_weight": 0.2, "threat_weight": 0.7, "ties_weight": 0.1}
    assert lens_overrides(settings, "realist") == {"rivalry_weight": 0.2, "threat_weight": 0.7}
    assert lens_overrides(settings, "liberal") == {"threat_weight": 0.7, "ties_weight": 0.1}
    with pytest.raises(InputError, match="unknown lens"):
        lens_overrides({"marxist.x": 1}, "realist")
    with pytest.raises(InputError, match="no selected lens"):
        lens_overrides({"nonsense": 1}, "realist")


def test_register_a_lens_of_ones_own() -> None:
    mine = TermLens(
        "threat-only",
        "shared threat and nothing else",
        dataclasses.replace(LIBERAL.params),
        (Term("threat", "s * S", "Walt 1987", lambda f, p: f.s * f.S),),
    )
    try:
        register_lens(mine)
        with pytest.raises(DetenteError, match="already registered"):
            register_lens(mine)
        q = engagement()
        prefs = get_lens("threat-only").preferences(make_world().at(q.date), q)
        assert prefs.terms == ("threat",)
    finally:
        LENSES.pop("threat-only", None)


def test_builtin_nato_csto_2009_relative_gains_of_the_us() -> None:
    q = get_episode("nato-csto-2009")
    snap = builtin_world().at(q.date)
    realist = REALIST.preferences(snap, q).margin_terms("USA")
    # the two reasons of the US cables (kucera-2010): Moscow gains more, and gains influence
    assert realist["relative_gains"] < 0 and realist["influence"] < 0
    assert min(realist, key=lambda t: realist[t]) in ("relative_gains", "influence")
    liberal = LIBERAL.preferences(snap, q).margin_terms("KAZ")
    assert max(liberal, key=lambda t: liberal[t]) == "shared_threat"
