"""Question and Episode models: defaults per decision type and consistency checks."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from detente.decisions import Episode, Question

BASE: dict[str, Any] = {
    "id": "x-1",
    "date": "2009-09-18",
    "text": "?",
    "sources": ["kucera-2010"],
}


def make(model: type[Question] = Question, **fields: Any) -> Question:
    return model.model_validate(BASE | fields)


@pytest.mark.parametrize(
    ("fields", "outcomes", "yes", "status_quo"),
    [
        (
            {"type": "engagement", "proposer": "NATO", "target": "CSTO"},
            ("engage", "refuse"),
            "engage",
            "refuse",
        ),
        (
            {"type": "assistance", "proposer": "KGZ", "target": "CSTO"},
            ("act", "decline"),
            "act",
            "decline",
        ),
        (
            {"type": "membership", "proposer": "UZB", "target": "CSTO", "action": "join"},
            ("join", "stay-out"),
            "join",
            "stay-out",
        ),
        (
            {"type": "membership", "proposer": "ARM", "target": "CSTO", "action": "freeze"},
            ("freeze", "stay"),
            "freeze",
            "stay",
        ),
        (
            {"type": "basing", "proposer": "USA", "target": "KGZ", "action": "keep"},
            ("keep", "expel"),
            "keep",
            "keep",
        ),
        (
            {"type": "basing", "proposer": "RUS", "target": "KGZ", "action": "admit"},
            ("admit", "refuse"),
            "admit",
            "refuse",
        ),
    ],
)
def test_defaults_from_the_type(
    fields: dict[str, Any], outcomes: tuple[str, str], yes: str, status_quo: str
) -> None:
    question = make(**fields)
    assert question.outcomes == outcomes
    assert question.yes_outcome == yes
    assert question.status_quo == status_quo
    assert question.no_outcome == outcomes[1]
    assert question.scale == {0: outcomes[1], 100: outcomes[0]}


def test_custom_outcomes_and_scale() -> None:
    question = make(
        type="engagement",
        proposer="NATO",
        target="RUS",
        outcomes=["meet", "no-meeting"],
        scale={0: "nothing", 50: "ambassadors", 100: "summit"},
    )
    assert question.yes_outcome == "meet" and question.status_quo == "no-meeting"
    assert question.scale[50] == "ambassadors"
    swapped = make(
        type="basing", proposer="USA", target="KGZ", action="keep", outcomes=["expel", "keep"]
    )
    assert swapped.yes_outcome == "keep" and swapped.no_outcome == "expel"


def test_yes_outcome_given_the_status_quo_is_the_other_one() -> None:
    question = make(
        type="engagement", proposer="NATO", target="RUS", outcomes=["a", "b"], yes_outcome="b"
    )
    assert (question.status_quo, question.no_outcome, question.scale) == (
        "a",
        "a",
        {0: "a", 100: "b"},
    )


def test_malformed_outcomes_report_only_outcomes() -> None:
    with pytest.raises(ValidationError) as info:
        make(type="engagement", proposer="NATO", target="RUS", outcomes=["a", "b", "c"])
    assert {e["loc"][0] for e in info.value.errors()} == {"outcomes"}


def test_episode_records_an_outcome() -> None:
    episode = make(
        Episode, type="engagement", proposer="NATO", target="CSTO", recorded_outcome="refuse"
    )
    assert isinstance(episode, Episode) and not episode.yes_happened
    with pytest.raises(ValidationError, match=r"recorded_outcome\n.*'maybe' is not one of"):
        make(Episode, type="engagement", proposer="NATO", target="CSTO", recorded_outcome="maybe")


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"type": "membership", "proposer": "UZB", "target": "CSTO"}, "needs an action"),
        (
            {"type": "membership", "proposer": "UZB", "target": "CSTO", "action": "quit"},
            "needs an action",
        ),
        (
            {"type": "engagement", "proposer": "NATO", "target": "CSTO", "action": "join"},
            "takes no action",
        ),
        ({"type": "engagement", "proposer": "NATO", "target": "NATO"}, "must differ"),
        (
            {"type": "engagement", "proposer": "NATO", "target": "CSTO", "rule": "consensus"},
            "rule applies",
        ),
        (
            {
                "type": "engagement",
                "proposer": "NATO",
                "target": "CSTO",
                "deciders": ["USA", "USA"],
            },
            "listed twice",
        ),
        (
            {"type": "engagement", "proposer": "NATO", "target": "CSTO", "yes_outcome": "talk"},
            "not one of the outcomes",
        ),
        (
            {"type": "engagement", "proposer": "NATO", "target": "CSTO", "outcomes": ["a", "a"]},
            "must differ",
        ),
        (
            {
                "type": "engagement",
                "proposer": "NATO",
                "target": "CSTO",
                "scale": {0: "x", 150: "y"},
            },
            "0-100",
        ),
        (
            {
                "type": "engagement",
                "proposer": "NATO",
                "target": "CSTO",
                "scale": {0: "x", 50: "y"},
            },
            "anchors at 0 and 100",
        ),
        ({"type": "war", "proposer": "NATO", "target": "CSTO"}, "type"),
        ({"type": "engagement", "proposer": "nato", "target": "CSTO"}, "proposer"),
        ({"type": "engagement", "proposer": "NATO", "target": "CSTO", "colour": "red"}, "colour"),
    ],
)
def test_invalid_questions(fields: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        make(**fields)


def test_clause_reference_format() -> None:
    fields = {"type": "assistance", "proposer": "KAZ", "target": "CSTO"}
    assert make(**fields, clause="collective-security-treaty/art-4").clause is not None
    with pytest.raises(ValidationError, match="clause"):
        make(**fields, clause="art 4")


def test_invalid_type_reports_only_the_type() -> None:
    with pytest.raises(ValidationError) as info:
        make(type="war", proposer="NATO", target="CSTO")
    assert [e["loc"] for e in info.value.errors()] == [("type",)]
