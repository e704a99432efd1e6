"""Decisions: what is decided, by whom, under which rule; questions, episodes and their files.

>>> from detente.decisions import get_episode
>>> get_episode("nato-csto-2009").recorded_outcome
'refuse'
"""

from typing import TYPE_CHECKING

from detente._lazy import attach

if TYPE_CHECKING:
    from detente.decisions.base import (
        DecisionType,
        Outcomes,
        QuestionType,
        Side,
        actor_side,
        org_side,
        party_side,
        sides_probability,
    )
    from detente.decisions.episodes import (
        builtin_episodes,
        builtin_episodes_path,
        get_episode,
        load_episodes,
        load_questions,
    )
    from detente.decisions.kinds import DECISION_TYPES, deciding_sides, get_decision_type
    from detente.decisions.question import Episode, Question

# Submodules are imported on first use of one of their names (see detente._lazy).
__getattr__, __dir__ = attach(
    __name__,
    {
        ".base": [
            "DecisionType",
            "Outcomes",
            "QuestionType",
            "Side",
            "actor_side",
            "org_side",
            "party_side",
            "sides_probability",
        ],
        ".episodes": [
            "builtin_episodes",
            "builtin_episodes_path",
            "get_episode",
            "load_episodes",
            "load_questions",
        ],
        ".kinds": ["DECISION_TYPES", "deciding_sides", "get_decision_type"],
        ".question": ["Episode", "Question"],
    },
)

__all__ = [
    "DECISION_TYPES",
    "DecisionType",
    "Episode",
    "Outcomes",
    "Question",
    "QuestionType",
    "Side",
    "actor_side",
    "builtin_episodes",
    "builtin_episodes_path",
    "deciding_sides",
    "get_decision_type",
    "get_episode",
    "load_episodes",
    "load_questions",
    "org_side",
    "party_side",
    "sides_probability",
]
