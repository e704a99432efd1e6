"""Reading the project's YAML files (worlds, episodes, questions, tables) safely, with lines.

One reader for every kind of file, so that they all share the same guarantees: PyYAML's *safe*
loader only (a file can never construct Python objects); only bounded regular files are read (no
device, FIFO or ``/proc`` entry); a budget on values and depth (an alias bomb is refused before it
expands); duplicate keys, non-finite or oversized numbers and impossible dates reported at their
line; syntax errors reported with their line; and a map from every key and list item to its
1-based line, built in one pass, so that later validation can say where a problem is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import InputError, Problem, suggest
from detente.output import file_kind

if TYPE_CHECKING:
    from pydantic import ValidationError  # only annotated: reading a CSV table needs no pydantic

__all__ = [
    "MAX_DEPTH",
    "MAX_INPUT_BYTES",
    "MAX_NODES",
    "YamlPath",
    "field_name",
    "group_lines",
    "iso_date",
    "item_lines",
    "line_at",
    "package_data",
    "parse_yaml",
    "paused_gc",
    "read_text_file",
    "read_yaml",
    "unknown_keys",
    "validation_problems",
    "yaml_files",
]

YamlPath = tuple[str | int, ...]
"""A path into a YAML document: mapping keys and list indices."""

#: Largest input file read, in bytes (a 20,000-record world is about 2 MB).
MAX_INPUT_BYTES = 64 * 2**20
#: Most values a YAML document may hold once its aliases are expanded.
MAX_NODES = 2_000_000
#: Deepest nesting of mappings and lists (the project's files need fewer than ten levels).
MAX_DEPTH = 64

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(text: str) -> dt.date | None:
    """The day ``text`` names in the extended ISO form ``YYYY-MM-DD`` only, else ``None``.

    (:meth:`datetime.date.fromisoformat` also takes ``20090910`` and week dates such as
    ``2009-W37-4``; the project's files and options promise ``YYYY-MM-DD``, so a reader that
    wrote anything else is told, not guessed at.)
    """
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def package_data(*parts: str) -> Path:
    """A folder or file under ``detente/data`` in the installed package."""
    from importlib import resources  # here: a table read from a file needs no package data

    return Path(str(resources.files("detente").joinpath("data", *parts)))


def _stat_problem(path: Path) -> Problem | None:
    """Why ``path`` cannot be read as an input, or ``None`` if it is a regular file or folder."""
    try:
        info = path.stat()
    except FileNotFoundError:
        try:
            path.lstat()
        except OSError:
            return Problem(str(path), None, None, "no such file or folder")
        return Problem(str(path), None, None, "a symbolic link to nothing (or a link loop)")
    except OSError as exc:
        return _os_problem(str(path), exc)
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return Problem(str(path), None, None, f"not a regular file ({file_kind(info.st_mode)})")
    if _is_pseudo_file(path):
        return Problem(str(path), None, None, "not a regular file (a /proc or /sys entry)")
    return None


def _os_problem(file: str, exc: OSError) -> Problem:
    return Problem(file, None, None, f"cannot read it: {exc.strerror or exc}")


def _is_pseudo_file(path: Path) -> bool:
    """Whether ``path`` lives in a kernel pseudo file system, whose 'files' may never end."""
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return False
    return real.parts[1:2] in (("proc",), ("sys",))


def read_text_file(path: Path, *, encoding: str = "utf-8", limit: int = MAX_INPUT_BYTES) -> str:
    """The text of an input file, refusing anything that is not a bounded regular file.

    The file is opened without blocking (a FIFO swapped in after the check cannot hang the
    reader), checked with ``fstat`` on the open descriptor (no race with the name), and read
    up to ``limit`` bytes. Every fault is an :class:`InputError` naming the file.
    """
    file = str(path)
    problem = _stat_problem(path)
    if problem is not None:
        raise InputError(problem)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(_os_problem(file, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = file_kind(info.st_mode)
            raise InputError(Problem(file, None, None, f"not a regular file ({kind})"))
        if info.st_size > limit:
            message = f"the file is larger than the {limit // 2**20} MiB an input may have"
            raise InputError(Problem(file, None, None, message))
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:
                message = f"the file is larger than the {limit // 2**20} MiB an input may have"
                raise InputError(Problem(file, None, None, message))
            chunks.append(chunk)
    except OSError as exc:
        raise InputError(_os_problem(file, exc)) from None
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode(encoding)
    except UnicodeDecodeError:
        raise InputError(Problem(file, None, None, "not a UTF-8 text file")) from None


def yaml_files(path: Path) -> list[Path]:
    """``path`` itself if it is a file, else every ``*.yaml``/``*.yml`` file below it, sorted."""
    problem = _stat_problem(path)
    if problem is not None:
        raise InputError(problem)
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    if not files:
        raise InputError(Problem(str(path), None, None, "folder holds no .yaml or .yml files"))
    return files


def parse_yaml(
    text: str, file: str, *, dates_as_text: bool = True
) -> tuple[Any, dict[YamlPath, int]]:
    """Parse one YAML document safely; return the data and a map from paths to line numbers.

    With ``dates_as_text`` (the default) ISO dates stay strings for a schema to validate; without
    it they become :class:`datetime.date` as in plain ``yaml.safe_load``.

    The document is composed first and checked before anything is built from it: at most
    :data:`MAX_NODES` values once aliases are expanded (an alias bomb is refused at once), at
    most :data:`MAX_DEPTH` levels of nesting, no duplicate key, every number finite and every
    date a real day. All such faults are raised together, each at its line.
    """
    # PyYAML is imported here, not with this module: a CSV table's reader needs none of it
    from detente._yamlparse import parse_document

    with paused_gc():
        return parse_document(text, file, dates_as_text=dates_as_text)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cycle collector while a large input is read and validated.

    Reading makes hundreds of thousands of objects and no reference cycle (recursive aliases
    are refused before construction); the collector's repeated passes over them would make
    reading a large world super-linear in its size, so it waits until the block is done.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def read_yaml(path: Path, *, dates_as_text: bool = True) -> tuple[Any, dict[YamlPath, int]]:
    """:func:`parse_yaml` of a file read by :func:`read_text_file` (regular files only)."""
    return parse_yaml(read_text_file(path), str(path), dates_as_text=dates_as_text)


def group_lines(lines: dict[YamlPath, int], depth: int) -> dict[YamlPath, dict[YamlPath, int]]:
    """The line map split by its first ``depth`` parts, in one pass (e.g. per world record).

    ``group_lines(lines, 2)[("memberships", 3)]`` maps the paths inside that record (without the
    prefix) to their lines.
    """
    out: dict[YamlPath, dict[YamlPath, int]] = {}
    for path, line in lines.items():
        if len(path) > depth:
            out.setdefault(path[:depth], {})[path[depth:]] = line
    return out


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


def unknown_keys(
    data: Any,
    known: Iterable[str],
    file: str | None,
    lines: dict[YamlPath, int],
    prefix: YamlPath = (),
) -> list[Problem]:
    """A problem (with "did you mean") for every key of mapping ``data`` not in ``known``.

    Readers that take plain mappings (tables, questions) use it so that a misspelt key is
    reported at its line instead of being dropped without a word.
    """
    if not isinstance(data, dict):
        return []
    allowed = list(known)
    out = []
    for key in data:
        if str(key) in allowed:
            continue
        path = (*prefix, key)
        close = suggest(str(key), allowed)
        hint = (
            f"; did you mean {' or '.join(repr(c) for c in close)}?"
            if close
            else f" (expected: {', '.join(allowed)})"
        )
        out.append(Problem(file, line_at(lines, path), field_name(path), "unknown field" + hint))
    return out


def _as_iso(digits: str) -> str:
    """``20090203`` as ``2009-02-03`` (what a reader who wrote 8 digits meant), else ``""``."""
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return ""


def _message(error: Any, known: Iterable[str] = ()) -> str:
    """pydantic's message for one error, in the words of a file's reader.

    ``known`` are the field names the record allows, for a "did you mean" on an unknown one.
    """
    kind = str(error["type"])
    value = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        loc = error.get("loc") or ()
        name = str(loc[-1]) if loc else ""
        close = suggest(name, known) if name else []
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return "unknown field" + hint
    if kind.startswith(("date_", "datetime_")) and isinstance(value, int | float):
        # YAML reads 20090203 as an integer, which pydantic would take as a Unix timestamp
        iso = _as_iso(str(value))
        return f"{value} is a number, not a date: write dates as YYYY-MM-DD" + (
            f" ({iso})" if iso else ""
        )
    if isinstance(value, bool) and kind.startswith(("string_", "literal_", "enum")):
        return (
            f"got {str(value).lower()}: YAML 1.1 reads yes/no/on/off/true/false as true/false; "
            "quote the word to keep it as text (e.g. 'no')"
        )
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.startswith(("date_", "datetime_")):
        message += " (expected a date YYYY-MM-DD)"
    return message


def _fields_at(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) pydantic model that ``loc`` points into, if any."""
    import typing

    from pydantic import BaseModel

    def model_in(annotation: Any) -> Any:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        for arg in typing.get_args(annotation):
            found = model_in(arg)
            if found is not None:
                return found
        return None

    current = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = model_in(info.annotation) if info is not None else None
    if current is None:
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def validation_problems(
    exc: ValidationError,
    file: str,
    prefix: YamlPath,
    lines: dict[YamlPath, int],
    label: str = "",
    model: Any = None,
) -> Iterator[Problem]:
    """One :class:`Problem` per pydantic error of the record at ``prefix``, at its line.

    With ``model`` (the record's pydantic class), an unknown field is told the closest known
    field names ("did you mean ...?").
    """
    for error in exc.errors(include_url=False):
        # pydantic reports model-level errors at the record; keys of dict fields as extra parts
        loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
        path = (*prefix, *loc)
        known = _fields_at(model, loc[:-1]) if model is not None else []
        message = _message(error, known)
        yield Problem(file, line_at(lines, path), field_name(path), label + message)
