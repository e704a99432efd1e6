"""Counterfactual scenarios: small YAML files that change the world or the decisions of a run.

A scenario file (read with :mod:`detente.yamlio`: safe loading, every fault with its line)::

    scenario:
      name: us-indifferent-2009
      description: The United States has no stake in NATO's decisions in 2009.
      from: 2008            # optional: the window it is meant for (command-line options win)
      to: 2012
    stances:                # fix an actor's stance in the decisions it takes part in
      - actor: USA
        stance: indifferent # indifferent | for | against (the yes outcome)
        start: 2009-01-01   # optional period [start, end)
        end: 2010-01-01
        target: NATO        # optional: only decisions about this organisation or state
        type: engagement    # optional: only this decision type
        action: leave       # optional: only questions with this action
    outcomes:               # fix the outcome of a hand-coded episode in the window
      - episode: arm-csto-2022
        outcome: act
    remove:                 # remove facts from the world before the run
      - {kind: membership, actor: UZB, org: CST}     # every matching record
      - {kind: base, id: manas}
    add:                    # add facts: records in the world file format (docs/world.md)
      agreements: [...]
      sources: [...]

Every field is validated (unknown fields, unknown actors, episodes and outcomes are errors);
:func:`load_scenario` reports every problem at once, each with its file, line and field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from detente.decisions import Episode, Question
from detente.errors import InputError, Problem
from detente.world import World
from detente.world.records import RECORD_TYPES
from detente.yamlio import line_at, read_yaml, validation_problems

__all__ = [
    "REMOVABLE",
    "Scenario",
    "Stance",
    "builtin_scenarios",
    "load_scenario",
]

REMOVABLE = {
    "membership": "memberships",
    "base": "bases",
    "agreement": "agreements",
    "relation": "relations",
    "threat": "threats",
}
"""Kinds of fact a scenario may remove, and the world collection each lives in."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Header(_Strict):
    """The scenario's name, description and intended window."""

    name: str = Field(min_length=1)
    description: str = ""
    from_: int | None = Field(default=None, alias="from", ge=1900, le=2200)
    to: int | None = Field(default=None, ge=1900, le=2200)


class Stance(_Strict):
    """An actor's fixed stance in the decisions it takes part in (see :mod:`.decider`)."""

    actor: str
    stance: Literal["indifferent", "for", "against"]
    start: dt.date | None = None
    end: dt.date | None = None
    target: str | None = None
    type: str | None = None
    action: str | None = None
    """Only questions with this action (``join``, ``leave``, ``keep``...)."""

    @model_validator(mode="after")
    def _period(self) -> Stance:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"the stance ends ({self.end}) on or before it starts ({self.start})")
        return self

    def applies(self, question: Question, day: dt.date) -> bool:
        """Whether this stance holds for ``question`` decided before ``day``."""
        if self.start is not None and day < self.start:
            return False
        if self.end is not None and day >= self.end:
            return False
        if self.target is not None and self.target not in (question.target, question.proposer):
            return False
        if self.action is not None and self.action != question.action:
            return False
        return self.type is None or self.type == question.type


class FixedOutcome(_Strict):
    """The outcome a hand-coded episode is given in every run."""

    episode: str
    outcome: str


class Removal(_Strict):
    """Facts to remove: every record of ``kind`` matching all the fields given."""

    kind: Literal["membership", "base", "agreement", "relation", "threat"]
    id: str | None = None
    actor: str | None = None
    org: str | None = None
    start: dt.date | None = None

    def matches(self, record: Any) -> bool:
        """Whether ``record`` (of this kind) matches every field given."""
        for name in ("id", "actor", "org", "start"):
            want = getattr(self, name)
            if want is not None and getattr(record, name, None) != want:
                return False
        return True


class Scenario(_Strict):
    """A validated scenario (the empty scenario changes nothing)."""

    scenario: Header = Header(name="as recorded")
    stances: tuple[Stance, ...] = ()
    outcomes: tuple[FixedOutcome, ...] = ()
    remove: tuple[Removal, ...] = ()
    add: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    def stances_for(self, question: Question, day: dt.date) -> dict[str, str]:
        """``actor -> stance`` of the stances holding for ``question`` before ``day``."""
        return {s.actor: s.stance for s in self.stances if s.applies(question, day)}

    def outcome_of(self, episode: str) -> str | None:
        """The outcome this scenario fixes for ``episode``, if any."""
        return next((o.outcome for o in self.outcomes if o.episode == episode), None)

    def apply(self, world: World) -> World:
        """``world`` with this scenario's facts removed and added (validated as a whole world)."""
        if not self.remove and not self.add:
            return world
        records: list[BaseModel] = list(world.sources.values())
        for record in world.records():
            kind = next((k for k, v in REMOVABLE.items() if isinstance(record, _type(v))), None)
            if kind is not None and any(r.kind == kind and r.matches(record) for r in self.remove):
                continue
            records.append(record)
        for key, items in self.add.items():
            model = RECORD_TYPES[key]
            records.extend(model.model_validate(item) for item in items)
        return World.from_records(records, world.header)


def _type(collection: str) -> type[BaseModel]:
    return RECORD_TYPES[collection]


def _check(
    scenario: Scenario,
    world: World,
    episodes: Sequence[Episode],
    file: str,
    lines: Mapping[tuple[str | int, ...], int],
) -> list[Problem]:
    """Problems of a parsed scenario against the world and the episodes."""
    problems = []
    actors = world.actor_ids()

    def at(*path: str | int) -> int | None:
        return line_at(dict(lines), tuple(path))

    for i, s in enumerate(scenario.stances):
        for name in ("actor", "target"):
            value = getattr(s, name)
            if value is not None and value not in actors:
                problems.append(
                    Problem(
                        file,
                        at("stances", i, name),
                        f"stances[{i}].{name}",
                        f"unknown actor {value!r}",
                    )
                )
    from detente.decisions import DECISION_TYPES

    for i, s in enumerate(scenario.stances):
        if s.type is not None and s.type not in DECISION_TYPES:
            problems.append(
                Problem(
                    file,
                    at("stances", i, "type"),
                    f"stances[{i}].type",
                    f"unknown decision type {s.type!r} (known: "
                    f"{', '.join(sorted(DECISION_TYPES))})",
                )
            )
    known = {e.id: e for e in episodes}
    for i, o in enumerate(scenario.outcomes):
        e = known.get(o.episode)
        if e is None:
            problems.append(
                Problem(
                    file,
                    at("outcomes", i, "episode"),
                    f"outcomes[{i}].episode",
                    f"unknown episode {o.episode!r}",
                )
            )
        elif o.outcome not in e.outcomes:
            problems.append(
                Problem(
                    file,
                    at("outcomes", i, "outcome"),
                    f"outcomes[{i}].outcome",
                    f"{o.outcome!r} is not an outcome of {e.id} (expected one of "
                    f"{', '.join(e.outcomes)})",
                )
            )
    for i, r in enumerate(scenario.remove):
        collection = getattr(world, REMOVABLE[r.kind])
        if not any(r.matches(x) for x in collection):
            problems.append(
                Problem(file, at("remove", i), f"remove[{i}]", f"no {r.kind} of the world matches")
            )
    problems.extend(_add_problems(scenario, file, lines))
    return problems


def _add_problems(
    scenario: Scenario, file: str, lines: Mapping[tuple[str | int, ...], int]
) -> list[Problem]:
    """Problems of the records a scenario adds (each validated as a world record)."""
    problems: list[Problem] = []

    def at(*path: str | int) -> int | None:
        return line_at(dict(lines), tuple(path))

    for key, items in scenario.add.items():
        if key not in RECORD_TYPES:
            problems.append(
                Problem(
                    file,
                    at("add", key),
                    f"add.{key}",
                    f"unknown kind of record (expected one of {', '.join(sorted(RECORD_TYPES))})",
                )
            )
            continue
        for j, item in enumerate(items):
            try:
                RECORD_TYPES[key].model_validate(item)
            except ValidationError as exc:
                problems.extend(validation_problems(exc, file, ("add", key, j), dict(lines)))
    return problems


def load_scenario(path: str | Path, world: World, episodes: Sequence[Episode]) -> Scenario:
    """Read and validate a scenario file (:class:`InputError` listing every problem)."""
    file = str(path)
    data, lines = read_yaml(Path(path))
    if not isinstance(data, dict):
        raise InputError(Problem(file, 1, None, "expected a mapping (see docs/simulation.md)"))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(list(validation_problems(exc, file, (), lines))) from None
    problems = _check(scenario, world, episodes, file, lines)
    if problems:
        raise InputError(problems)
    try:
        scenario.apply(world)
    except InputError as exc:
        raise InputError(
            [
                Problem(file, p.line, p.field, f"after the scenario's changes: {p.message}")
                for p in exc.problems
            ]
        ) from None
    return scenario


def builtin_scenarios() -> dict[str, Path]:
    """The scenario files shipped with Détente, by file stem."""
    from detente.yamlio import package_data

    folder = package_data("scenarios")
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}
