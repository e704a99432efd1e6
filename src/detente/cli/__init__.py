"""The ``detente`` command line: a thin layer that parses, calls the library, and prints.

Each command family lives in its own module and registers itself on the root app. Errors caused by
the user's input (``DetenteError``) are printed without a traceback and exit with status 2.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from detente import __version__
from detente.errors import DetenteError

__all__ = ["app", "main"]

app = typer.Typer(
    name="detente",
    help="Model, forecast and explain security cooperation between states and alliances.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"detente {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Model, forecast and explain security cooperation between states and alliances."""


#: Command name -> the module of ``detente.cli`` that defines it. A run imports only the module of
#: its command (each pulls in its own share of the library); an unknown name, ``--help`` or no
#: command at all loads every module, so help and "no such command" hints stay complete.
COMMANDS: dict[str, str] = {
    "world": "world",
    "forecast": "forecast",
    "questions": "forecast",
    "explain": "explain",
    "backtest": "explain",
}
_registered: set[str] = set()


def _register(modules: Sequence[str]) -> None:
    for name in modules:
        if name not in _registered:
            importlib.import_module(f"detente.cli.{name}").register(app)
            _registered.add(name)


def _modules_for(argv: Sequence[str]) -> list[str]:
    """The CLI modules a command line needs: its command's, or all for anything else."""
    command = next((a for a in argv if not a.startswith("-")), None)
    if command in COMMANDS:
        return [COMMANDS[command]]
    return list(dict.fromkeys(COMMANDS.values()))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; exit 2 with a plain message on bad input, never a traceback.

    Typer handles usage errors itself (status 2); errors raised by the library because of the
    user's data arrive here as ``DetenteError`` or a missing/unreadable file.
    """
    args = sys.argv[1:] if argv is None else argv
    _register(_modules_for(args))
    try:
        app(args=args, prog_name="detente")
    except DetenteError as exc:
        from rich.markup import escape

        from detente.cli.common import err_console

        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        sys.exit(2)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
        from rich.markup import escape

        from detente.cli.common import err_console

        err_console.print(
            f"[bold red]error:[/] {escape(str(exc.strerror))}: {exc.filename}", soft_wrap=True
        )
        sys.exit(2)
