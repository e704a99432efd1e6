"""Helpers shared by the CLI modules: consoles, JSON output, dates and the ``--world`` option."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from detente.errors import InputError, Problem

if TYPE_CHECKING:
    from detente.world import World

__all__ = [
    "ParamsOption",
    "SetOption",
    "WorldOption",
    "console",
    "err_console",
    "open_world",
    "parse_date",
    "parse_settings",
    "print_json",
]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

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
    text = json.dumps(obj, indent=2, ensure_ascii=False, default=str, allow_nan=False)
    sys.stdout.write(text + "\n")


def parse_date(text: str, option: str) -> dt.date:
    """An ISO date (``YYYY-MM-DD``) given to ``option``, or a clear :class:`InputError`."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            Problem(None, None, option, f"{text!r} is not a date (expected YYYY-MM-DD)")
        ) from None


def open_world(path: Path | None) -> World:
    """The world a command works on: the user's ``--world``, or the built-in one."""
    from detente.world import load_world  # imported here: a table forecast never loads a world

    return load_world(path)


def default_day(world: World) -> dt.date:
    """The day a query answers for when the user gives none: the end of the world's coverage."""
    if world.header.covers is not None:
        return world.header.covers[1]
    return dt.date.today()


def _flatten(data: Mapping[str, Any], file: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            for sub, v in value.items():
                out[f"{key}.{sub}"] = v
        elif isinstance(value, int | float | str):
            out[str(key)] = value
        else:
            raise InputError(Problem(file, None, str(key), "expected a number or a mapping"))
    return out


def parse_settings(sets: list[str] | None, params_file: Path | None) -> dict[str, object]:
    """Settings from a ``--params`` YAML file and ``--set`` items (later ones win)."""
    settings: dict[str, object] = {}
    if params_file is not None:
        from detente.yamlio import read_yaml

        data, _ = read_yaml(params_file, dates_as_text=False)
        data = {} if data is None else data
        if not isinstance(data, Mapping):
            raise InputError(Problem(str(params_file), 1, None, "expected a mapping"))
        settings.update(_flatten(data, str(params_file)))
    problems = []
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            problems.append(Problem(None, None, "--set", f"{item!r} is not PARAM=VALUE"))
            continue
        settings[key.strip()] = value.strip()
    if problems:
        raise InputError(problems)
    return settings
