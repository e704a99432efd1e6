"""Reading world files: safe YAML with line numbers, one pydantic record at a time.

Every problem found (YAML syntax, unknown keys, a field of the wrong type, an id that does not
exist) is collected and reported together, each with its file, line and field, so that a user can
mend a broken world in one pass. YAML is read with PyYAML's *safe* loader only: a world file can
never construct Python objects.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from detente.errors import InputError, Problem
from detente.world.records import RECORD_TYPES, WorldHeader

__all__ = ["Entry", "builtin_world_path", "read_entries"]

Path_ = tuple[str | int, ...]
"""A path into a YAML document: mapping keys and list indices."""


@dataclass(frozen=True)
class Entry:
    """One validated record with the place it came from."""

    kind: str
    index: int
    record: BaseModel
    file: str | None
    line: int | None
    lines: dict[Path_, int]

    def line_of(self, *field: str | int) -> int | None:
        """The line of ``field`` inside this record, or the record's own line."""
        path: Path_ = tuple(field)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.line


@dataclass(frozen=True)
class ParsedFiles:
    """What the reader found: records, optional headers, and every problem."""

    entries: tuple[Entry, ...]
    headers: tuple[WorldHeader, ...]
    problems: tuple[Problem, ...]


def builtin_world_path() -> Path:
    """The folder of the built-in world's YAML files, inside the installed package."""
    return Path(str(resources.files("detente").joinpath("data", "world")))


def world_files(path: Path) -> list[Path]:
    """The YAML files of a world: ``path`` itself, or every ``*.yaml``/``*.yml`` below it."""
    if not path.exists():
        raise InputError(Problem(str(path), None, None, "no such file or folder"))
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    if not files:
        raise InputError(Problem(str(path), None, None, "folder holds no .yaml or .yml files"))
    return files


def _node_lines(node: yaml.Node, path: Path_ = ()) -> Iterator[tuple[Path_, int]]:
    """Walk a composed YAML node and yield the 1-based line of every key and list item."""
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                name: str | int = key.value
                if key.tag.endswith(":int"):
                    name = int(key.value)
                yield from _node_lines(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _node_lines(item, (*path, i))


_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (ten times faster), else the pure one."""


class _Loader(_SafeBase):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader, but dates stay strings so pydantic can check them and say where.

    (YAML 1.1 would turn ``2009-13-01`` into an error for the whole file and ``2009-9-1`` into a
    date; neither is the ISO format the world files promise.)
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def parse_yaml(text: str, file: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document safely; return the data and a map from paths to line numbers."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(Problem(file, line, None, f"not valid YAML: {exc.problem}")) from None
    except (yaml.YAMLError, ValueError) as exc:
        # e.g. a date like 2009-13-01 that matches YAML's timestamp pattern but is no real day
        raise InputError(Problem(file, None, None, f"not valid YAML: {exc}")) from None
    finally:
        loader.dispose()
    return data, dict(_node_lines(node))


def _field_name(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validation_problems(
    exc: ValidationError, file: str, prefix: Path_, lines: dict[Path_, int]
) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
        # pydantic reports model-level errors at the record; keys of dict fields as extra parts
        path = (*prefix, *loc)
        line = None
        probe = path
        while probe:
            if probe in lines:
                line = lines[probe]
                break
            probe = probe[:-1]
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "required field is missing"
        elif error["type"] == "extra_forbidden":
            message = "unknown field"
        elif error["type"].startswith(("date_", "datetime_")):
            message += " (expected a date YYYY-MM-DD)"
        yield Problem(file, line, _field_name(path), message)


def _read_document(
    data: Any, lines: dict[Path_, int], file: str
) -> tuple[list[Entry], list[WorldHeader], list[Problem]]:
    entries: list[Entry] = []
    headers: list[WorldHeader] = []
    problems: list[Problem] = []
    if data is None:
        return entries, headers, problems
    if not isinstance(data, dict):
        problems.append(Problem(file, 1, None, "a world file must be a mapping of record lists"))
        return entries, headers, problems
    for key, items in data.items():
        if key == "world":
            try:
                headers.append(WorldHeader.model_validate(items))
            except ValidationError as exc:
                problems.extend(_validation_problems(exc, file, ("world",), lines))
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
                problems.extend(_validation_problems(exc, file, (key, i), lines))
                continue
            sub = {p[2:]: n for p, n in lines.items() if p[:2] == (key, i) and len(p) > 2}
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
            data, lines = parse_yaml(path.read_text(encoding="utf-8"), file)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        except UnicodeDecodeError:
            problems.append(Problem(file, None, None, "not a UTF-8 text file"))
            continue
        found, heads, faults = _read_document(data, lines, file)
        entries.extend(found)
        headers.extend(heads)
        problems.extend(faults)
    return ParsedFiles(tuple(entries), tuple(headers), tuple(problems))


@functools.cache
def builtin_entries() -> ParsedFiles:
    """The built-in world's records (read once per process)."""
    return read_entries(world_files(builtin_world_path()))
