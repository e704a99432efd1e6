"""Reading episode files: YAML lists of questions with their recorded outcomes.

An episode file is a YAML mapping with one key, ``episodes``, holding a list of records with the
fields of :class:`~detente.decisions.question.Episode` (see ``docs/episodes.md``). A path may be a
file or a folder (every ``*.yaml``/``*.yml`` below it, sorted). YAML is read with the safe loader
only. Every problem found (syntax, unknown or missing fields, wrong values, duplicate ids) is
collected and raised together as one :class:`~detente.errors.InputError`, each with its file, line
and field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from detente.decisions.question import Episode, Question
from detente.errors import InputError, Problem, UnknownIdError, suggest
from detente.world import World
from detente.yamlio import (
    YamlPath,
    field_name,
    line_at,
    package_data,
    read_yaml,
    validation_problems,
    yaml_files,
)

__all__ = [
    "builtin_episodes",
    "builtin_episodes_path",
    "get_episode",
    "load_episodes",
    "load_questions",
]

KEY = "episodes"


def builtin_episodes_path() -> Path:
    """The folder of the built-in episode files, inside the installed package."""
    return package_data("episodes")


def _item_problems(
    item: Any, index: int, file: str, lines: dict[YamlPath, int], require_outcome: bool
) -> tuple[Question | None, list[Problem]]:
    where: YamlPath = (KEY, index)
    if not isinstance(item, dict):
        return None, [Problem(file, line_at(lines, where), field_name(where), "expected a mapping")]
    model = Episode if require_outcome or "recorded_outcome" in item else Question
    try:
        return model.model_validate(item), []
    except ValidationError as exc:
        label = f"episode {item['id']!r}: " if isinstance(item.get("id"), str) else ""
        return None, list(validation_problems(exc, file, where, lines, label, model=model))


def _absent_organisations(question: Question, world: World) -> Iterator[tuple[YamlPath, str]]:
    """An organisation that takes part must exist when the question is asked (the decision is
    taken on the world as known the day before its date), else no lens can forecast it."""
    eve = question.date - dt.timedelta(days=1)
    for name in ("proposer", "target", "deciding_org"):
        org = world.organisations.get(getattr(question, name) or "")
        if org is None or (org.founded <= eve and (org.ended is None or eve < org.ended)):
            continue
        when = (
            f"founded {org.founded.isoformat()}"
            if eve < org.founded
            else f"ended {org.ended.isoformat() if org.ended else '?'}"
        )
        yield (name,), f"organisation {org.id} does not exist on {eve.isoformat()} ({when})"


def _world_problems(question: Question, world: World) -> Iterator[tuple[YamlPath, str]]:
    """``(path, message)`` for every id of ``question`` that ``world`` does not know, and for a
    date outside the world's coverage."""
    covers = world.header.covers
    if covers is not None and not covers[0] <= question.date <= covers[1]:
        yield (
            ("date",),
            f"{question.date.isoformat()} is outside the world's coverage "
            f"({covers[0].isoformat()} to {covers[1].isoformat()})",
        )
    actors = world.actor_ids()
    for name in ("proposer", "target"):
        if getattr(question, name) not in actors:
            yield (name,), f"unknown actor {getattr(question, name)!r} (not in the world)"
    if question.deciding_org is not None and question.deciding_org not in world.organisations:
        yield ("deciding_org",), f"unknown organisation {question.deciding_org!r}"
    for k, actor in enumerate(question.deciders or ()):
        if actor not in actors:
            yield ("deciders", k), f"unknown actor {actor!r} (not in the world)"
    for k, source in enumerate(question.sources):
        if source not in world.sources:
            yield ("sources", k), f"unknown source {source!r} (not in the world's sources)"
    if question.clause is not None:
        clauses = {f"{a.id}/{c.id}" for a in world.agreements for c in a.clauses}
        if question.clause not in clauses:
            yield ("clause",), f"unknown clause {question.clause!r} (agreement/clause)"


@dataclass(frozen=True)
class _Read:
    """A valid record and where it was found (to locate duplicates)."""

    question: Question
    file: str
    line: int | None
    field: str


def _read_file(
    path: Path, require_outcome: bool, world: World | None, existing: bool = False
) -> Iterator[_Read | Problem]:
    file = str(path)
    try:
        data, lines = read_yaml(path)
    except InputError as exc:
        yield from exc.problems
        return
    except (OSError, UnicodeDecodeError) as exc:
        yield Problem(file, None, None, f"cannot read file: {exc}")
        return
    if not isinstance(data, dict) or KEY not in data:
        close = suggest(KEY, [str(k) for k in data], n=1) if isinstance(data, dict) else []
        hint = f" (found {close[0]!r}: did you mean '{KEY}'?)" if close else ""
        yield Problem(file, 1, None, f"expected a mapping with the key '{KEY}'{hint}")
        return
    for key in data:
        if key != KEY:
            close = suggest(str(key), [KEY], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (expected only {KEY!r})"
            yield Problem(file, line_at(lines, (key,)), str(key), "unknown key" + hint)
    items = data[KEY]
    if not isinstance(items, list):
        yield Problem(file, line_at(lines, (KEY,)), KEY, "expected a list of episodes")
        return
    for index, item in enumerate(items):
        question, problems = _item_problems(item, index, file, lines, require_outcome)
        if question is not None and world is not None:
            label = f"episode {question.id!r}: "
            found = list(_world_problems(question, world))
            if existing:
                found += _absent_organisations(question, world)
            for sub, message in found:
                where = (KEY, index, *sub)
                problems.append(
                    Problem(file, line_at(lines, where), field_name(where), label + message)
                )
        if question is not None:
            where = (KEY, index, "id")
            yield _Read(question, file, line_at(lines, where), field_name(where))
        yield from problems


def _load(
    path: str | Path | None,
    require_outcome: bool,
    world: World | None,
    existing: bool = False,
) -> list[Question]:
    root = builtin_episodes_path() if path is None else Path(path)
    found: list[_Read] = []
    problems: list[Problem] = []
    for file in yaml_files(root):
        for read in _read_file(file, require_outcome, world, existing):
            if isinstance(read, Problem):
                problems.append(read)
            else:
                found.append(read)
    first: dict[str, _Read] = {}
    for read in found:
        ident = read.question.id
        if ident in first:
            place = f"{first[ident].file}:{first[ident].line}"
            message = f"duplicate id {ident!r} (first defined at {place})"
            problems.append(Problem(read.file, read.line, read.field, message))
        else:
            first[ident] = read
    if problems:
        raise InputError(problems)
    return [read.question for read in found]


def load_questions(
    path: str | Path | None = None, world: World | None = None, *, existing: bool = False
) -> list[Question]:
    """Questions from an episode file or folder; ``recorded_outcome`` is optional here.

    Records with a recorded outcome come back as :class:`Episode`, the others as
    :class:`Question`. ``None`` reads the built-in episodes. With ``world``, every actor,
    organisation, source and clause id must be one of the world's, and the date inside its
    coverage (``covers`` of its header, if set); each violation is a problem at its line. With
    ``existing`` too, every organisation taking part must exist on the eve of the question's
    date (a question to forecast or explain now; a backtest instead skips such an episode).
    """
    return _load(path, require_outcome=False, world=world, existing=existing)


def load_episodes(path: str | Path | None = None, world: World | None = None) -> list[Episode]:
    """Episodes from a file or folder (``None``: the built-in ones); every record needs
    ``recorded_outcome``. ``world`` as for :func:`load_questions`. Raises :class:`InputError`
    listing every problem found."""
    return [q for q in _load(path, require_outcome=True, world=world) if isinstance(q, Episode)]


@functools.cache
def _builtin() -> tuple[Episode, ...]:
    return tuple(load_episodes(None))


def builtin_episodes() -> list[Episode]:
    """The episodes shipped with Détente (read once, then cached)."""
    return list(_builtin())


def get_episode(ident: str, episodes: Iterable[Episode] | None = None) -> Episode:
    """The episode ``ident`` among ``episodes`` (default: the built-in ones).

    Raises :class:`UnknownIdError` listing the known ids.
    """
    pool = list(_builtin() if episodes is None else episodes)
    for episode in pool:
        if episode.id == ident:
            return episode
    raise UnknownIdError("episode", ident, [e.id for e in pool])
