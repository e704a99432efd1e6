"""The ``detente`` command line: a thin layer that parses, calls the library, and prints.

Each command family lives in its own module and registers itself on the root app. Errors caused by
the user's input (``DetenteError``) are printed without a traceback and exit with status 2.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from detente import __version__
from detente.cli import cite, explain, forecast, panel, report, world
from detente.cli.common import err_console
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


world.register(app)
forecast.register(app)
explain.register(app)
panel.register(app)
cite.register(app)
report.register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; exit 2 with a plain message on bad input, never a traceback.

    Typer handles usage errors itself (status 2); errors raised by the library because of the
    user's data arrive here as ``DetenteError`` or a missing/unreadable file.
    """
    try:
        app(args=argv, prog_name="detente")
    except DetenteError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        sys.exit(2)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
        err_console.print(
            f"[bold red]error:[/] {escape(str(exc.strerror))}: {exc.filename}", soft_wrap=True
        )
        sys.exit(2)
