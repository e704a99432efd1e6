"""Questions (a decision to be made on a date) and episodes (a question with its recorded outcome).

A :class:`Question` names what is decided (``type`` and, for membership and basing, ``action``),
who asks (``proposer``) and who is asked (``target``), and optionally overrides who decides
(``deciding_org``, ``deciders``, ``rule``; see :func:`detente.decisions.kinds.deciding_sides`).
Its two ``outcomes`` default from the decision type; ``yes_outcome`` is the one that grants the
proposer's request, ``status_quo`` the one that leaves things as they are.

An :class:`Episode` adds ``recorded_outcome``, what actually happened. Backtests forecast
``P(yes_outcome)`` from the snapshot of the world before ``date`` and score it against
``recorded_outcome == yes_outcome``.

``scale`` maps positions on a 0-100 line to descriptions, for the bridge to the bargaining
forecasters (stakeholder tables): 0 is the no outcome and 100 the yes outcome by default,
intermediate anchors (e.g. ``50: working-level contacts``) are optional.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from detente.decisions.base import Outcomes, QuestionType
from detente.decisions.kinds import DECISION_TYPES
from detente.institutions.rules import DecisionRuleName

__all__ = ["Episode", "Origin", "Question"]

QuestionId = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="lower-case id, e.g. nato-csto-2009")
]
ActorId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9-]{1,11}$", description="state or org id")]
SourceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="source id")]
ClauseRef = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="agreement id / clause id in the world, e.g. collective-security-treaty/art-4",
    ),
]
OutcomeName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
Origin = Literal["hand-coded", "generated"]

_PLACEHOLDER = ("yes", "no")  # stands in when the type or action is invalid (reported on its own)


def _type_outcomes(data: dict[str, Any]) -> Outcomes | None:
    kind = DECISION_TYPES.get(data["type"]) if isinstance(data.get("type"), str) else None
    if kind is None:
        return None
    try:
        return kind.outcomes(data.get("action"))
    except ValueError:
        return None


def _defaults_failed(info: ValidationInfo) -> bool:
    """Whether outcomes could not be derived because ``type`` or ``action`` failed validation."""
    return "type" not in info.data or "action" not in info.data


def _fill_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """Outcomes, yes outcome, status quo and scale from the decision type, where not given."""
    data = dict(data)
    typed = _type_outcomes(data)
    if "outcomes" not in data:
        data["outcomes"] = (typed.yes, typed.no) if typed else _PLACEHOLDER
    given = data["outcomes"]
    pair = [str(o) for o in given] if isinstance(given, list | tuple) and len(given) == 2 else None
    if pair is None:  # malformed outcomes are reported at `outcomes`; avoid follow-on errors
        pair = list(_PLACEHOLDER)
    if typed is not None and set(pair) == {typed.yes, typed.no}:
        data.setdefault("yes_outcome", typed.yes)
        data.setdefault("status_quo", typed.status_quo)
    data.setdefault("yes_outcome", pair[0])
    no = next((o for o in pair if o != data["yes_outcome"]), pair[1])
    data.setdefault("status_quo", no)
    data.setdefault("scale", {0: no, 100: str(data["yes_outcome"])})
    return data


def _check_outcome(value: str, info: ValidationInfo) -> str:
    """``value`` if it is one of the question's outcomes (unchecked if the outcomes failed)."""
    outcomes = info.data.get("outcomes")
    if _defaults_failed(info) or outcomes is None:
        return value  # the type or action is wrong, and reported there
    if value not in outcomes:
        raise ValueError(f"{value!r} is not one of the outcomes ({', '.join(outcomes)})")
    return value


class Question(BaseModel):
    """A decision to be made on ``date``: what, who asks, who is asked, and what may happen.

    Attributes
    ----------
    id:
        Lower-case id, e.g. ``nato-csto-2009``.
    date:
        The day of the decision (or of the proposal answered). The world is read as of the day
        before: ``world.at(date)``.
    type:
        ``engagement``, ``membership``, ``assistance``, ``basing``, ``alignment``, ``force`` or
        ``suspension``.
    proposer, target:
        Actor ids (states ISO3, organisations by acronym); their meaning per type is in the
        decision modules.
    action:
        ``join|leave|suspend|freeze`` for membership, ``admit|keep`` for basing; none otherwise.
    deciding_org, deciders, rule:
        Optional overrides of who decides and by which rule.
    clause:
        Optional reference to the clause invoked (assistance) as ``agreement/clause`` ids of the
        world, e.g. ``collective-security-treaty/art-4``.
    text:
        The question in words.
    outcomes:
        The two outcomes, default from the type and action.
    yes_outcome, status_quo:
        Which outcome grants the request, and which leaves things as they are.
    scale:
        Anchors on 0-100 for the forecasting bridge (default 0 = no outcome, 100 = yes outcome).
    sources:
        Source ids (the world's ``sources``) documenting the question.
    note:
        Free text.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: QuestionId
    date: dt.date
    type: QuestionType
    proposer: ActorId
    target: ActorId
    action: str | None = Field(default=None, validate_default=True)
    deciding_org: ActorId | None = None
    deciders: tuple[ActorId, ...] | None = Field(default=None, min_length=1)
    rule: DecisionRuleName | None = None
    clause: ClauseRef | None = None
    text: str = Field(min_length=1)
    outcomes: tuple[OutcomeName, OutcomeName]
    yes_outcome: str
    status_quo: str
    scale: dict[int, str]
    sources: tuple[SourceId, ...] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        return _fill_defaults(data) if isinstance(data, dict) else data

    # Cross-field checks are field validators (fields are validated in order, earlier values are
    # in info.data), so that each problem is reported at the field, with its line in the file.
    @field_validator("action")
    @classmethod
    def _action(cls, action: str | None, info: ValidationInfo) -> str | None:
        kind = DECISION_TYPES.get(info.data.get("type", ""))
        if kind is not None and kind.actions and action not in kind.actions:
            raise ValueError(
                f"a {kind.name} question needs an action, one of {', '.join(kind.actions)}"
            )
        if kind is not None and not kind.actions and action is not None:
            raise ValueError(f"a {kind.name} question takes no action")
        return action

    @field_validator("target")
    @classmethod
    def _target(cls, target: str, info: ValidationInfo) -> str:
        if target == info.data.get("proposer"):
            raise ValueError("proposer and target must differ")
        return target

    @field_validator("deciders")
    @classmethod
    def _deciders(cls, deciders: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if deciders is not None and len(set(deciders)) != len(deciders):
            raise ValueError("an actor is listed twice")
        return deciders

    @field_validator("rule")
    @classmethod
    def _rule(cls, rule: str | None, info: ValidationInfo) -> str | None:
        if rule is not None and not (info.data.get("deciders") or info.data.get("deciding_org")):
            raise ValueError("rule applies only together with deciding_org or deciders")
        return rule

    @field_validator("outcomes")
    @classmethod
    def _outcomes(cls, outcomes: tuple[str, str]) -> tuple[str, str]:
        if outcomes[0] == outcomes[1]:
            raise ValueError("the two outcomes must differ")
        return outcomes

    @field_validator("yes_outcome", "status_quo")
    @classmethod
    def _one_of_outcomes(cls, value: str, info: ValidationInfo) -> str:
        return _check_outcome(value, info)

    @field_validator("scale")
    @classmethod
    def _scale(cls, scale: dict[int, str]) -> dict[int, str]:
        if not scale or min(scale) < 0 or max(scale) > 100:
            raise ValueError("scale anchors must lie on 0-100")
        if 0 not in scale or 100 not in scale:
            raise ValueError("scale needs anchors at 0 and 100")
        return scale

    @property
    def no_outcome(self) -> str:
        """The outcome that refuses the request."""
        return self.outcomes[1] if self.outcomes[0] == self.yes_outcome else self.outcomes[0]


class Episode(Question):
    """A question with what actually happened, for backtests.

    Attributes
    ----------
    recorded_outcome:
        One of ``outcomes``: the outcome the sources record.
    origin:
        ``hand-coded`` (an editor chose and coded the decision from its sources, the default) or
        ``generated`` (a decision opportunity drawn from the world by the documented, seeded rule
        of :mod:`detente.decisions.opportunities`). Scores are reported on both subsets, because
        generated non-events are easy to forecast.
    """

    recorded_outcome: str
    origin: Origin = "hand-coded"

    @field_validator("recorded_outcome")
    @classmethod
    def _recorded(cls, value: str, info: ValidationInfo) -> str:
        return _check_outcome(value, info)

    @property
    def yes_happened(self) -> bool:
        """Whether the recorded outcome is the yes outcome (the event backtests score)."""
        return self.recorded_outcome == self.yes_outcome
