"""The silence procedure counts only the reasons against an actor's default (issue 10).

A member that goes along by default breaks silence only to object; a state deciding alone leaves
the status quo only for a reason to act. So a term that rises never lowers ``P(accept)``: the old
rule, whose salience counted every reason, let a small reason to accept pull an ally below an
indifferent one (``pol-nato-1997``: Poland, the invitee with the most alliance-security value,
got a lower realist ``P(invited)`` than Estonia, which was not invited).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.lenses.builtin import p_yes

from detente.decision import acceptance, stake_against
from detente.decisions import Side
from detente.lenses.base import AcceptanceParams, Preferences

from .synthetic import engagement

PARAMS = AcceptanceParams()


def _p_accept(terms: list[float], body: bool) -> float:
    """``P(accept)`` of DEU, alone (default: the status quo) or in a body that tabled the
    question (default: go along), for the given term values."""
    q = engagement(proposer="DEU", target="NATO") if body else engagement()
    actors = ("DEU", "USA")
    breakdown = np.zeros((len(terms), 2, 2))
    breakdown[:, 0, 0] = terms  # column 0 is the yes outcome, actor 0 is DEU
    names = tuple(f"t{k}" for k in range(len(terms)))
    prefs = Preferences(actors, (q.yes_outcome, q.no_outcome), names, breakdown, 0)
    side = Side("NATO", actors, org="NATO") if body else Side("DEU", ("DEU",))
    return acceptance(prefs, [side], q, PARAMS)["DEU"]


TERM = st.floats(-1.0, 1.0, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(TERM, min_size=1, max_size=4), st.integers(0, 3), st.floats(0.0, 0.5), st.booleans()
)
def test_raising_a_term_never_lowers_acceptance(
    terms: list[float], k: int, rise: float, body: bool
) -> None:
    k %= len(terms)
    higher = list(terms)
    higher[k] += rise
    assert _p_accept(higher, body) >= _p_accept(terms, body) - 1e-12


def test_only_reasons_against_the_default_move_an_actor() -> None:
    # a member of a body with only reasons to accept goes along for sure; alone, a state with only
    # reasons against acting keeps the status quo for sure
    assert _p_accept([0.02, 0.3], body=True) == 1.0
    assert _p_accept([-0.02, -0.3], body=False) == 0.0
    assert stake_against([0.2, -0.1, -0.3], 1.0) == 0.4
    assert stake_against([0.2, -0.1, 0.3], 0.0) == 0.5


def _realist(episode: str) -> float:
    return p_yes(episode, "realist")


def test_face_validity_allies_with_only_reasons_to_admit_a_state_invite_it() -> None:
    # Madrid 1997: every ally gains alliance security from Poland and none has a reason against
    # (no rival of Poland's outside NATO): the realist allies invite it (they did)
    assert _realist("pol-nato-1997") > 0.9
