"""Helpers shared by the CLI modules: consoles, JSON output, dates and the ``--world`` option."""

from __future__ import annotations

import datetime as dt
import json
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from detente.errors import InputError, Problem

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from detente.world import World
    from detente.world.roster import Roster
    from detente.yamlio import YamlPath

__all__ = [
    "ParamsOption",
    "SetOption",
    "WorldOption",
    "console",
    "err_console",
    "literal",
    "open_world",
    "parse_date",
    "parse_settings",
    "print_json",
    "styled",
]


def literal(text: object) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), so that data can never
    move the cursor, recolour or clear the user's terminal. Newlines and tabs are kept."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(
        c
        if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        else c.encode("unicode_escape").decode("ascii")
        for c in value
    )


def _plain_console(**options: Any) -> Console:
    """A console that prints every string literally.

    User data (actor ids, titles, question text, paths, messages) reaches the terminal as plain
    text: no rich markup (``[/x]`` is text, not a closing tag), no emoji codes (``:100:`` stays a
    line number), no highlighting, control characters escaped. Styling is done with
    :class:`rich.text.Text` objects, never with markup in strings.
    """
    from rich.console import Console

    class _PlainConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Text:
            return super().render_str(literal(text), **kwargs)

    return _PlainConsole(highlight=False, markup=False, emoji=False, **options)


class _OnFirstUse:
    """Stands for a plain console that is made on first use: ``rich`` is imported only by a
    command that prints through it (``--json`` output and plain exits never do)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            self._console = _plain_console(**self._options)
        return getattr(self._console, name)


console = cast("Console", _OnFirstUse())
err_console = cast("Console", _OnFirstUse(stderr=True))


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of text built from plain strings and ``(text, style)`` pairs, printed literally."""
    from rich.text import Text

    return Text.assemble(
        *((literal(p[0]), p[1]) if isinstance(p, tuple) else literal(p) for p in parts)
    )


WorldOption = Annotated[
    Path | None,
    typer.Option(
        "--world",
        help="World YAML file or folder (default: the built-in NATO–CSTO world). A world whose "
        "header says 'extends: builtin' is added to the built-in one.",
        show_default=False,
    ),
]


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a lens parameter: PARAM=VALUE or LENS.PARAM=VALUE (repeatable).",
        show_default=False,
    ),
]
ParamsOption = Annotated[
    Path | None,
    typer.Option(
        "--params",
        help="YAML file of parameters: {realist: {rivalry_weight: 0.5}} or {rivalry_weight: 0.5}.",
        show_default=False,
    ),
]


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout and nothing else (for ``--json``)."""
    # allow_nan=False: NaN and Infinity are not JSON; a command must never print them
    text = json.dumps(obj, indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"
    # JSON is UTF-8 (RFC 8259) whatever the locale: write bytes, so an ASCII or Latin-1 stdout
    # cannot fail on "Détente", and the same result gives the same bytes everywhere.
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def parse_date(text: str, option: str) -> dt.date:
    """An ISO date (``YYYY-MM-DD``) given to ``option``, or a clear :class:`InputError`."""
    from detente.yamlio import iso_date

    day = iso_date(text)
    if day is None:  # not 20090910 or 2009-W37-4 either: only the form the docs promise
        raise InputError(
            Problem(None, None, option, f"{text!r} is not a date (expected YYYY-MM-DD)")
        )
    if day == dt.date.max:  # "the end of day" needs the day after, which the calendar lacks
        message = f"{text} is the calendar's last day; give 9999-12-30 or earlier"
        raise InputError(Problem(None, None, option, message))
    return day


def open_world(path: Path | None) -> World:
    """The world a command works on: the user's ``--world``, or the built-in one."""
    from detente.world import load_world  # imported here: a table forecast never loads a world

    return load_world(path)


def default_day(world: World | Roster) -> dt.date:
    """The day a query answers for when the user gives none: the end of the world's coverage."""
    if world.header.covers is not None:
        return min(world.header.covers[1], dt.date.max - dt.timedelta(days=1))
    return dt.date.today()


_SETTING_PLACES: dict[str, tuple[str, int | None]] = {}
"""Where each setting read from a ``--params`` file was written (for :func:`locate`)."""


def _flatten(data: Mapping[str, Any], file: str, lines: dict[YamlPath, int]) -> dict[str, object]:
    out: dict[str, object] = {}
    problems: list[Problem] = []
    items: list[tuple[str, YamlPath, Any]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            items.extend((f"{key}.{sub}", (key, sub), v) for sub, v in value.items())
        else:
            items.append((str(key), (key,), value))
    for name, path, value in items:
        line = lines.get(path)
        _SETTING_PLACES[name] = (file, line)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            got = f"{value!r}" + (
                " (YAML reads yes/no/on/off as true/false)" if isinstance(value, bool) else ""
            )
            problems.append(Problem(file, line, name, f"expected a number or a mapping, got {got}"))
        else:
            out[name] = value
    if problems:
        raise InputError(problems)
    return out


def locate(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Problems about settings from a ``--params`` file, given that file and line.

    The lenses check parameter values without knowing where they came from; a problem whose
    field is a setting read from a file (``realist.rivalry_weight``, or a bare
    ``rivalry_weight`` applied to a lens) is placed at the line that set it.
    """
    out = []
    for p in problems:
        place = None
        if p.file is None and p.field is not None:
            place = _SETTING_PLACES.get(p.field) or next(
                (v for k, v in _SETTING_PLACES.items() if p.field.endswith("." + k)), None
            )
        out.append(Problem(place[0], place[1], p.field, p.message) if place else p)
    return tuple(out)


def parse_settings(sets: list[str] | None, params_file: Path | None) -> dict[str, object]:
    """Settings from a ``--params`` YAML file and ``--set`` items (later ones win)."""
    settings: dict[str, object] = {}
    if params_file is not None:
        from detente.yamlio import read_yaml

        data, lines = read_yaml(params_file, dates_as_text=False)
        data = {} if data is None else data
        if not isinstance(data, Mapping):
            raise InputError(Problem(str(params_file), 1, None, "expected a mapping"))
        settings.update(_flatten(data, str(params_file), lines))
    problems = []
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            problems.append(Problem(None, None, "--set", f"{item!r} is not PARAM=VALUE"))
            continue
        settings[key.strip()] = value.strip()
        _SETTING_PLACES.pop(key.strip(), None)  # a --set wins over the file, and is its own place
    if problems:
        raise InputError(problems)
    return settings
