"""A bargaining outcome put to a body whose members can veto it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.institutions.veto import VetoVote, veto_vote


def test_a_salient_member_at_the_status_quo_blocks_under_consensus() -> None:
    outcomes = np.full(40, 80.0)
    members, sal = ["A", "B", "C"], [0.9, 0.9, 0.9]
    keen = veto_vote(outcomes, 50, members, [90, 85, 100], sal, reversion=0)
    assert keen.p_exceeds == 1.0 and keen.p_pass == pytest.approx(1.0, abs=1e-2)
    blocked = veto_vote(outcomes, 50, members, [90, 85, 0], sal, reversion=0)
    assert blocked.p_pass < 1e-3 and blocked.blockers[0] == "C"
    # the same member is outvoted under a simple majority
    outvoted = veto_vote(
        outcomes, 50, members, [90, 85, 0], sal, reversion=0, rule="simple-majority"
    )
    assert outvoted.p_pass == pytest.approx(1.0, abs=1e-2)


def test_below_the_threshold_nothing_passes() -> None:
    vote = veto_vote([10.0, 20.0], 50, ["A"], [100.0], [1.0], reversion=0)
    assert vote.p_exceeds == 0.0 and vote.p_pass == 0.0 and np.isnan(vote.p_accept[0])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 100), min_size=1, max_size=20),
    st.lists(st.tuples(st.floats(0, 100), st.floats(0, 1)), min_size=1, max_size=6),
    st.floats(0, 100),
    st.sampled_from(["consensus", "simple-majority", "qualified-majority"]),
)
def test_passing_needs_the_threshold_and_the_vote(
    outcomes: list[float], rows: list[tuple[float, float]], threshold: float, rule: str
) -> None:
    members = [f"M{i}" for i in range(len(rows))]
    positions, saliences = [r[0] for r in rows], [r[1] for r in rows]

    def under(rule: str) -> VetoVote:
        return veto_vote(
            outcomes, threshold, members, positions, saliences, reversion=0.0, rule=rule
        )

    vote = under(rule)
    assert 0.0 <= vote.p_pass <= vote.p_exceeds + 1e-12
    strictest = under("consensus")
    assert strictest.p_pass <= vote.p_pass + 1e-9  # consensus is the strictest rule


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="equal length"):
        veto_vote([1.0], 0, ["A", "B"], [1.0], [1.0], reversion=0)
    with pytest.raises(ValueError, match="finite"):
        veto_vote([np.nan], 0, ["A"], [1.0], [1.0], reversion=0)
