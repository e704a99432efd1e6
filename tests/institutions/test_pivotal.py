"""Pivotal members: blockers and decisive supporters."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.institutions.pivotal import pivotal_members
from detente.institutions.rules import RULES


def test_consensus_names_the_reluctant_veto_player_first() -> None:
    actors = ["DEU", "FRA", "GBR", "USA"]
    p = [0.9, 0.95, 0.8, 0.1]
    pivots = pivotal_members(actors, p, "consensus")
    top = pivots[0]
    assert top.actor == "USA"
    assert top.role == "blocker"
    assert top.veto
    # Flipping the US to certain yes raises P from 0.9*0.95*0.8*0.1 to 0.9*0.95*0.8.
    assert top.swing == pytest.approx(0.9 * 0.95 * 0.8 * 0.9)
    assert top.p_if_yes == pytest.approx(0.684)
    assert top.p_if_no == 0.0
    assert {pv.role for pv in pivots[1:]} == {"decisive-supporter"}
    assert all(pv.veto for pv in pivots)


def test_majority_has_no_veto_player_and_filters_small_swings() -> None:
    actors = ["A", "B", "C", "D", "E"]
    p = [0.99, 0.99, 0.99, 0.99, 0.2]
    pivots = pivotal_members(actors, p, RULES["simple-majority"], min_swing=0.0)
    assert len(pivots) == 5
    assert all(not pv.veto for pv in pivots)
    # With four near-certain yes votes no single member moves the majority by 5 %.
    assert max(pv.swing for pv in pivots) < 0.05
    assert pivotal_members(actors, p, "simple-majority", min_swing=0.05) == []


def test_weighted_rule_and_joint_scaling() -> None:
    actors = ["BIG", "S1", "S2"]
    p = [0.3, 0.9, 0.9]
    alone = pivotal_members(actors, p, "weighted-majority", weights=[3, 1, 1], quota=0.6)
    assert alone[0].actor == "BIG" and alone[0].role == "blocker" and alone[0].veto
    halved = pivotal_members(
        actors, p, "weighted-majority", weights=[3, 1, 1], quota=0.6, others=0.5
    )
    assert halved[0].swing == pytest.approx(alone[0].swing * 0.5)


def test_bad_shapes() -> None:
    with pytest.raises(ValueError, match="shape"):
        pivotal_members(["A", "B"], [0.5], "consensus")
    with pytest.raises(ValueError, match="others"):
        pivotal_members(["A"], [0.5], "consensus", others=2.0)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=6))
def test_swings_are_counterfactual_differences(p: list[float]) -> None:
    actors = [f"X{i}" for i in range(len(p))]
    now = float(RULES["simple-majority"](p))
    for pv in pivotal_members(actors, p, "simple-majority", min_swing=0.0):
        i = actors.index(pv.actor)
        flipped = list(p)
        flipped[i] = 1.0 if pv.role == "blocker" else 0.0
        expected = abs(float(RULES["simple-majority"](flipped)) - now)
        assert pv.swing == pytest.approx(expected, abs=1e-12)
        assert 0.0 <= pv.swing <= 1.0 + 1e-12
        assert pv.p_if_no <= pv.p_if_yes + 1e-12
    assert np.isfinite(now)
