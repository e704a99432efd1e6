"""Reading world files: safe YAML with line numbers, one pydantic record at a time.

Every problem found (YAML syntax, unknown keys, a field of the wrong type, an id that does not
exist) is collected and reported together, each with its file, line and field, so that a user can
mend a broken world in one pass. YAML is read with PyYAML's *safe* loader only: a world file can
never construct Python objects.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from detente.errors import InputError, Problem
from detente.world.records import RECORD_TYPES, WorldHeader
from detente.yamlio import (
    YamlPath,
    line_at,
    package_data,
    read_yaml,
    validation_problems,
    yaml_files,
)

__all__ = ["Entry", "builtin_world_path", "read_entries"]


@dataclass(frozen=True)
class Entry:
    """One validated record with the place it came from."""

    kind: str
    index: int
    record: BaseModel
    file: str | None
    line: int | None
    lines: dict[YamlPath, int]

    def line_of(self, *field: str | int) -> int | None:
        """The line of ``field`` inside this record, or the record's own line."""
        return line_at(self.lines, tuple(field)) or self.line


@dataclass(frozen=True)
class ParsedFiles:
    """What the reader found: records, optional headers, and every problem."""

    entries: tuple[Entry, ...]
    headers: tuple[WorldHeader, ...]
    problems: tuple[Problem, ...]


def builtin_world_path() -> Path:
    """The folder of the built-in world's YAML files, inside the installed package."""
    return package_data("world")


def _read_document(
    data: Any, lines: dict[YamlPath, int], file: str
) -> tuple[list[Entry], list[WorldHeader], list[Problem]]:
    entries: list[Entry] = []
    headers: list[WorldHeader] = []
    problems: list[Problem] = []
    if data is None:
        return entries, headers, problems
    if not isinstance(data, dict):
        problems.append(Problem(file, 1, None, "a world file must be a mapping of record lists"))
        return entries, headers, problems
    # Lines of each record's fields, grouped in one pass (a scan per record was quadratic).
    fields: dict[YamlPath, dict[YamlPath, int]] = {}
    for p, n in lines.items():
        if len(p) > 2:
            fields.setdefault(p[:2], {})[p[2:]] = n
    for key, items in data.items():
        if key == "world":
            try:
                headers.append(WorldHeader.model_validate(items))
            except ValidationError as exc:
                problems.extend(validation_problems(exc, file, ("world",), lines))
            continue
        model = RECORD_TYPES.get(str(key))
        if model is None:
            known = ", ".join(["world", *RECORD_TYPES])
            problems.append(
                Problem(file, lines.get((key,)), str(key), f"unknown section (expected: {known})")
            )
            continue
        if not isinstance(items, list):
            problems.append(Problem(file, lines.get((key,)), str(key), "expected a list"))
            continue
        for i, item in enumerate(items):
            try:
                record = model.model_validate(item)
            except ValidationError as exc:
                problems.extend(validation_problems(exc, file, (key, i), lines))
                continue
            sub = fields.get((key, i), {})
            entries.append(Entry(key, i, record, file, lines.get((key, i)), sub))
    return entries, headers, problems


def read_entries(paths: Iterable[Path]) -> ParsedFiles:
    """Read and validate every record of the given files, collecting all problems."""
    entries: list[Entry] = []
    headers: list[WorldHeader] = []
    problems: list[Problem] = []
    for path in paths:
        file = str(path)
        try:
            data, lines = read_yaml(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        found, heads, faults = _read_document(data, lines, file)
        entries.extend(found)
        headers.extend(heads)
        problems.extend(faults)
    return ParsedFiles(tuple(entries), tuple(headers), tuple(problems))


@functools.cache
def builtin_entries() -> ParsedFiles:
    """The built-in world's records (read once per process)."""
    return read_entries(yaml_files(builtin_world_path()))
