"""Reading the project's YAML files (worlds, episodes, questions, tables) safely, with lines.

One reader for every kind of file, so that they all share the same guarantees: PyYAML's *safe*
loader only (a file can never construct Python objects), syntax errors reported with their line,
and a map from every key and list item to its 1-based line so that later validation can say where
a problem is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from detente.errors import InputError, Problem

if TYPE_CHECKING:
    from pydantic import ValidationError  # only annotated: reading a CSV table needs no pydantic

__all__ = [
    "YamlPath",
    "field_name",
    "item_lines",
    "line_at",
    "package_data",
    "parse_yaml",
    "read_yaml",
    "validation_problems",
    "yaml_files",
]

YamlPath = tuple[str | int, ...]
"""A path into a YAML document: mapping keys and list indices."""

_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (several times faster), else the pure one."""


class _TextDatesLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """The safe loader, but dates stay strings so pydantic can check them and say where.

    (YAML 1.1 would turn ``2009-13-01`` into an error for the whole file and ``2009-9-1`` into a
    date; neither is the ISO format the files promise.)
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def package_data(*parts: str) -> Path:
    """A folder or file under ``detente/data`` in the installed package."""
    return Path(str(resources.files("detente").joinpath("data", *parts)))


def yaml_files(path: Path) -> list[Path]:
    """``path`` itself if it is a file, else every ``*.yaml``/``*.yml`` file below it, sorted."""
    if not path.exists():
        raise InputError(Problem(str(path), None, None, "no such file or folder"))
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    if not files:
        raise InputError(Problem(str(path), None, None, "folder holds no .yaml or .yml files"))
    return files


def _node_lines(node: yaml.Node, path: YamlPath = ()) -> Iterator[tuple[YamlPath, int]]:
    """Walk a composed YAML node and yield the 1-based line of every key and list item."""
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                name: str | int = int(key.value) if key.tag.endswith(":int") else key.value
                yield from _node_lines(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _node_lines(item, (*path, i))


def parse_yaml(
    text: str, file: str, *, dates_as_text: bool = True
) -> tuple[Any, dict[YamlPath, int]]:
    """Parse one YAML document safely; return the data and a map from paths to line numbers.

    With ``dates_as_text`` (the default) ISO dates stay strings for a schema to validate; without
    it they become :class:`datetime.date` as in plain ``yaml.safe_load``.
    """
    loader = _TextDatesLoader(text) if dates_as_text else _SafeBase(text)
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


def read_yaml(path: Path, *, dates_as_text: bool = True) -> tuple[Any, dict[YamlPath, int]]:
    """:func:`parse_yaml` of a file, with unreadable files reported as an :class:`InputError`."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem(file, None, None, "not a UTF-8 text file")) from None
    return parse_yaml(text, file, dates_as_text=dates_as_text)


def line_at(lines: dict[YamlPath, int], path: YamlPath) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def item_lines(lines: dict[YamlPath, int], key: str) -> list[int]:
    """The line of each item of the top-level list ``key`` (empty if there is none)."""
    out: list[int] = []
    while (key, len(out)) in lines:
        out.append(lines[(key, len(out))])
    return out


def field_name(path: Iterable[str | int]) -> str:
    """A YAML path as users write it: ``memberships[3].start``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Any) -> str:
    """pydantic's message for one error, in the words of a file's reader."""
    kind = str(error["type"])
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.startswith(("date_", "datetime_")):
        message += " (expected a date YYYY-MM-DD)"
    return message


def validation_problems(
    exc: ValidationError,
    file: str,
    prefix: YamlPath,
    lines: dict[YamlPath, int],
    label: str = "",
) -> Iterator[Problem]:
    """One :class:`Problem` per pydantic error of the record at ``prefix``, at its line."""
    for error in exc.errors(include_url=False):
        # pydantic reports model-level errors at the record; keys of dict fields as extra parts
        path = (*prefix, *(p for p in error["loc"] if isinstance(p, str | int)))
        yield Problem(file, line_at(lines, path), field_name(path), label + _message(error))
