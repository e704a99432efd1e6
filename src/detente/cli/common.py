"""Helpers shared by the CLI modules: consoles, JSON output, dates and the ``--world`` option."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from detente.errors import InputError, Problem
from detente.world import World, load_world

__all__ = [
    "WorldOption",
    "console",
    "err_console",
    "open_world",
    "parse_date",
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


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout and nothing else (for ``--json``)."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


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
    return load_world(path)


def default_day(world: World) -> dt.date:
    """The day a query answers for when the user gives none: the end of the world's coverage."""
    if world.header.covers is not None:
        return world.header.covers[1]
    return dt.date.today()
