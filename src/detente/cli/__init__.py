"""The ``detente`` command line: a thin layer that parses, calls the library, and prints.

Each command family lives in its own module and registers itself on the root app. Errors caused by
the user's input (``DetenteError``) are printed without a traceback and exit with status 2.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer
from rich.markup import escape

from detente import __version__
from detente.cli import explain, forecast, run, world
from detente.cli.common import err_console
from detente.errors import DetenteError

__all__ = ["app", "main"]

app = typer.Typer(
    name="detente",
    help="Model, forecast and explain security cooperation between states and alliances.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
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
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log messages (-vv: debug).")
    ] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only errors: no warnings, no progress bar.")
    ] = False,
) -> None:
    """Model, forecast and explain security cooperation between states and alliances."""
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    _configure_logging(level)


def _configure_logging(level: int) -> None:
    """Log records of the ``detente`` loggers go to stderr (never stdout, which --json owns)."""
    logger = logging.getLogger("detente")
    logger.setLevel(level)
    if not any(getattr(h, "_detente", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler._detente = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


world.register(app)
forecast.register(app)
explain.register(app)
run.register(app)


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
