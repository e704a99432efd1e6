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

from detente.errors import InputError, Problem, suggest
from detente.world.records import RECORD_TYPES, WorldHeader
from detente.yamlio import (
    YamlPath,
    group_lines,
    line_at,
    package_data,
    paused_gc,
    read_yaml,
    validation_problems,
    yaml_files,
)

__all__ = ["Entry", "Header", "ParsedFiles", "builtin_world_path", "read_entries"]


@dataclass(frozen=True)
class Entry:
    """One validated record with the place it came from."""

    kind: str
    index: int
    record: BaseModel
    file: str | None
    line: int | None
    lines: dict[YamlPath, int]
    replace: bool = False
    """The record said ``replace: true``: it may replace the built-in record with its key."""

    @property
    def place(self) -> str:
        """``file:line`` of the record (``in memory`` for records built in Python)."""
        if self.file is None:
            return "in memory"
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def line_of(self, *field: str | int) -> int | None:
        """The line of ``field`` inside this record, or the record's own line."""
        return line_at(self.lines, tuple(field)) or self.line


@dataclass(frozen=True)
class Header:
    """A ``world:`` header with the place it came from."""

    header: WorldHeader
    file: str
    lines: dict[YamlPath, int]

    def line_of(self, *field: str | int) -> int | None:
        """The line of ``field`` inside the header."""
        return line_at(self.lines, tuple(field))


@dataclass(frozen=True)
class ParsedFiles:
    """What the reader found: records, optional headers, and every problem."""

    entries: tuple[Entry, ...]
    headers: tuple[Header, ...]
    problems: tuple[Problem, ...]


def builtin_world_path() -> Path:
    """The folder of the built-in world's YAML files, inside the installed package."""
    return package_data("world")


def _read_document(
    data: Any, lines: dict[YamlPath, int], file: str
) -> tuple[list[Entry], list[Header], list[Problem]]:
    entries: list[Entry] = []
    headers: list[Header] = []
    problems: list[Problem] = []
    if data is None:
        return entries, headers, problems
    if not isinstance(data, dict):
        problems.append(Problem(file, 1, None, "a world file must be a mapping of record lists"))
        return entries, headers, problems
    per_record = group_lines(lines, 2)  # one pass, not one scan of every line per record
    for key, items in data.items():
        if key == "world":
            try:
                sub = {p[1:]: n for p, n in lines.items() if p[:1] == ("world",) and len(p) > 1}
                headers.append(Header(WorldHeader.model_validate(items), file, sub))
            except ValidationError as exc:
                problems.extend(
                    validation_problems(exc, file, ("world",), lines, model=WorldHeader)
                )
            continue
        model = RECORD_TYPES.get(str(key))
        if model is None:
            known = ", ".join(["world", *RECORD_TYPES])
            close = suggest(str(key), ["world", *RECORD_TYPES], n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(
                Problem(
                    file, lines.get((key,)), str(key), f"unknown section ({hint}expected: {known})"
                )
            )
            continue
        if not isinstance(items, list):
            problems.append(Problem(file, lines.get((key,)), str(key), "expected a list"))
            continue
        for i, item in enumerate(items):
            replace = False
            if isinstance(item, dict) and "replace" in item:
                # a merge directive, not a fact: it is kept on the entry, not in the record
                item = dict(item)
                flag = item.pop("replace")
                if not isinstance(flag, bool):
                    where = lines.get((key, i, "replace"))
                    problems.append(
                        Problem(file, where, f"{key}[{i}].replace", "expected true or false")
                    )
                    continue
                replace = flag
            try:
                record = model.model_validate(item)
            except ValidationError as exc:
                problems.extend(validation_problems(exc, file, (key, i), lines, model=model))
                continue
            sub = per_record.get((key, i), {})
            entries.append(Entry(key, i, record, file, lines.get((key, i)), sub, replace))
    return entries, headers, problems


def read_entries(paths: Iterable[Path]) -> ParsedFiles:
    """Read and validate every record of the given files, collecting all problems."""
    entries: list[Entry] = []
    headers: list[Header] = []
    problems: list[Problem] = []
    for path in paths:
        file = str(path)
        try:
            data, lines = read_yaml(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        with paused_gc():  # linear time for large files (see paused_gc)
            found, heads, faults = _read_document(data, lines, file)
        entries.extend(found)
        headers.extend(heads)
        problems.extend(faults)
    return ParsedFiles(tuple(entries), tuple(headers), tuple(problems))


@functools.cache
def builtin_entries() -> ParsedFiles:
    """The built-in world's records (read once per process)."""
    return read_entries(yaml_files(builtin_world_path()))
