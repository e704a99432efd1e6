"""Who decides: sides computed from a snapshot, per decision type and with overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from detente.decisions import (
    DECISION_TYPES,
    Question,
    Side,
    deciding_sides,
    get_decision_type,
    sides_probability,
)
from detente.errors import DetenteError, UnknownIdError

from .toyworld import toy_world

WORLD = toy_world()


def q(**fields: Any) -> Question:
    base: dict[str, Any] = {"id": "q", "date": "2010-01-01", "text": "?", "sources": ["toy"]}
    return Question.model_validate(base | fields)


def sides_of(question: Question) -> tuple[Side, ...]:
    return deciding_sides(question, WORLD.at(question.date))


def test_engagement_is_decided_by_the_target_the_proposer_consents() -> None:
    sides = sides_of(q(type="engagement", proposer="CSTO", target="NATO"))
    assert [s.label for s in sides] == ["NATO"]
    assert sides[0].actors == ("DEU", "USA") and sides[0].rule == "consensus"


def test_engagement_with_a_state_and_suspended_members_left_out() -> None:
    (side,) = sides_of(q(type="engagement", proposer="NATO", target="CSTO", date="2013-01-01"))
    assert side.actors == ("ARM", "KAZ", "KGZ", "RUS")  # UZB suspended
    (side,) = sides_of(q(type="engagement", proposer="NATO", target="RUS"))
    assert side == Side("RUS", ("RUS",), "consensus")
    # a question about the proposer's own follow-through names its deciders
    (side,) = sides_of(q(type="engagement", proposer="NATO", target="CSTO", deciding_org="NATO"))
    assert side.label == "NATO" and side.actors == ("DEU", "USA")


def test_membership_sides() -> None:
    join = sides_of(q(type="membership", proposer="UZB", target="CSTO", action="join"))
    assert [s.label for s in join] == ["UZB", "CSTO"]
    leave = sides_of(q(type="membership", proposer="ARM", target="CSTO", action="leave"))
    assert leave == (Side("ARM", ("ARM",)),)
    with pytest.raises(DetenteError, match="does not exist"):
        sides_of(
            q(type="membership", proposer="ARM", target="CSTO", action="leave", date="2001-01-01")
        )


def test_assistance_is_decided_by_the_members() -> None:
    (side,) = sides_of(q(type="assistance", proposer="KGZ", target="CSTO"))
    assert side.org == "CSTO" and "KGZ" in side.actors and side.rule == "consensus"


def test_basing_consent_clause_adds_the_csto_for_new_bases_only() -> None:
    before = sides_of(q(type="basing", proposer="USA", target="KGZ", action="admit"))
    assert [s.label for s in before] == ["KGZ"]
    after = sides_of(
        q(type="basing", proposer="USA", target="KGZ", action="admit", date="2012-01-01")
    )
    assert [s.label for s in after] == ["KGZ", "CSTO"]
    russian = sides_of(
        q(type="basing", proposer="RUS", target="KGZ", action="admit", date="2012-01-01")
    )
    assert [s.label for s in russian] == ["KGZ"]  # a member's base needs no consent
    keep = sides_of(
        q(type="basing", proposer="USA", target="KGZ", action="keep", date="2013-06-20")
    )
    assert [s.label for s in keep] == ["KGZ"]


def test_overrides() -> None:
    org = sides_of(q(type="engagement", proposer="CSTO", target="NATO", deciding_org="FORUM"))
    assert org[0].rule == "qualified-majority" and org[0].quota == 0.75 and len(org[0].actors) == 7
    ruled = sides_of(
        q(
            type="engagement",
            proposer="CSTO",
            target="NATO",
            deciding_org="FORUM",
            rule="simple-majority",
        )
    )
    assert ruled[0].rule == "simple-majority"
    explicit = sides_of(
        q(type="engagement", proposer="CSTO", target="NATO", deciders=["USA", "DEU", "RUS"])
    )
    assert explicit == (Side("deciders", ("DEU", "RUS", "USA"), "consensus"),)
    with pytest.raises(DetenteError, match="does not exist"):
        sides_of(q(type="engagement", proposer="CSTO", target="NATO", deciding_org="NOPE"))


def test_sides_probability_is_joint_and_vectorised() -> None:
    sides = sides_of(q(type="engagement", proposer="CSTO", target="NATO"))
    acceptance: dict[str, Any] = {"DEU": 0.9, "USA": np.array([0.1, 0.5])}
    out = sides_probability(sides, acceptance)
    np.testing.assert_allclose(out, [0.09, 0.45])
    with pytest.raises(DetenteError, match="USA"):
        sides_probability(sides, {k: v for k, v in acceptance.items() if k != "USA"})


def test_registry() -> None:
    assert set(DECISION_TYPES) == {
        "engagement",
        "membership",
        "assistance",
        "basing",
        "alignment",
        "force",
        "suspension",
    }
    assert get_decision_type("basing").actions == ("admit", "keep")
    with pytest.raises(UnknownIdError, match="engagement"):
        get_decision_type("war")


def test_snapshot_cut_off_is_respected() -> None:
    # On the day the suspension starts, the world read "as of" that day still has UZB as member.
    snap = WORLD.at(dt.date(2012, 12, 19))
    (side,) = deciding_sides(q(type="assistance", proposer="KGZ", target="CSTO"), snap)
    assert "UZB" in side.actors
