"""The ``detente`` command line: a thin layer that parses, calls the library, and prints.

Each command family lives in its own module and registers itself on the root app. Errors caused by
the user's input (``DetenteError``) are printed without a traceback and exit with status 2.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from detente import __version__
from detente.errors import DetenteError, InputError

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


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler that writes to whatever ``sys.stderr`` is when a record is emitted (so that a
    redirected or captured stderr gets the warnings too)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def _configure_logging(level: int) -> None:
    """Log records of the ``detente`` loggers go to stderr (never stdout, which --json owns)."""
    logger = logging.getLogger("detente")
    logger.setLevel(level)
    if not any(getattr(h, "_detente", False) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler._detente = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


#: Command name -> the module of ``detente.cli`` that defines it. A run imports only the module of
#: its command (each pulls in its own share of the library); an unknown name, ``--help`` or no
#: command at all loads every module, so help and "no such command" hints stay complete.
COMMANDS: dict[str, str] = {
    "world": "world",
    "forecast": "forecast",
    "questions": "forecast",
    "explain": "explain",
    "backtest": "explain",
    "panel": "panel",
    "cite": "cite",
    "sweep": "run",
    "show": "run",
    "report": "report",
    "simulate": "simulate",
    "episodes": "episodes",
}
_registered: set[str] = set()


def _register(modules: Sequence[str]) -> None:
    for name in modules:
        if name not in _registered:
            importlib.import_module(f"detente.cli.{name}").register(app)
            _registered.add(name)


_BUILT: dict[frozenset[str], Any] = {}


def _command() -> Any:
    """The click command of ``app`` with the modules registered so far, built once per set.

    (Typer rebuilds it from the functions' signatures on every call, a tenth of a second; a
    process that runs many commands, such as the test suite, builds each set once.)
    """
    key = frozenset(_registered)
    if key not in _BUILT:
        command = typer.main.get_command(app)
        _name_metavars(command)
        _BUILT[key] = command
    return _BUILT[key]


#: What each option and argument takes, by its long name, where the command did not say: one
#: word per kind of value, the same word in every command (``--help`` shows it after the flag).
METAVARS: dict[str, str] = {
    "--on": "YYYY-MM-DD",
    "--world": "PATH",
    "--params": "FILE",
    "--set": "PARAM=VALUE",
    "--lens": "LENS",
    "--also": "ORG",
    "--system-org": "ORG",
    "--episodes": "PATH",
    "--questions": "PATH",
    "--output": "FILE",
    "--atop": "FILE",
    "--nmc": "FILE",
    "--igo": "FILE",
    "--with": "NAME,...",
    "--coding": "NAME,...",
    "--system": "NAME,...",
    "--year": "YEAR",
    "--to": "YEAR",
    "--title": "TEXT",
    "--dpi": "DPI",
    "--width": "INCHES",
    "--seed": "SEED",
    "--runs": "N",
    "--min-train": "N",
    "--highlight": "ACTOR",
    "--verbose": "",  # a counted flag (-v, -vv): it takes no value
}
#: Options whose value depends on the command: ``--from`` is a day in ``backtest``, a year in
#: ``panel``; ``--out`` is a folder for ``report``, a file for ``panel``.
BY_TYPE: dict[tuple[str, str], str] = {
    ("--from", "int"): "YEAR",
    ("--from", "str"): "YYYY-MM-DD",
    ("--out", "path"): "FILE",
}
ARGUMENTS: dict[str, str] = {
    "org": "ORG",
    "actor": "ACTOR",
    "a": "ACTOR",
    "b": "ACTOR",
    "path": "PATH",
    "topics": "TOPIC",
    "episode": "EPISODE",
    "episodes": "PATH",
    "subject": "SUBJECT",
    "file": "FILE",
}


def _name_metavars(command: Any) -> None:
    """Give every option and argument without a metavar the one :data:`METAVARS` names."""
    for param in command.params:
        if param.metavar is not None:
            continue
        if param.param_type_name == "argument":
            param.metavar = ARGUMENTS.get(param.name or "")
            continue
        if getattr(param, "is_flag", False) and not getattr(param, "count", False):
            continue
        longest = max(param.opts, key=len)
        name = METAVARS.get(longest)
        if name is None:
            name = BY_TYPE.get((longest, param.type.name))
        if longest == "--out" and command.name == "report":
            name = "DIR"
        if name is not None:
            param.metavar = name
    for sub in getattr(command, "commands", {}).values():
        _name_metavars(sub)


def _modules_for(argv: Sequence[str]) -> list[str]:
    """The CLI modules a command line needs: its command's, or all for anything else."""
    command = next((a for a in argv if not a.startswith("-")), None)
    if command in COMMANDS:
        return [COMMANDS[command]]
    return list(dict.fromkeys(COMMANDS.values()))


def _error(message: str) -> None:
    from detente.cli.common import err_console, styled

    err_console.print(styled(("error:", "bold red"), " ", message), soft_wrap=True)


def _plain_streams() -> None:
    """Never fail on a character the terminal's encoding lacks: print an escape instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if reconfigure is not None and encoding != "utf8":
            reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; exit 2 with a plain message on bad input, never a traceback.

    Typer handles usage errors itself (status 2); errors raised by the library because of the
    user's data arrive here as ``DetenteError``, and any file-system fault (a missing, unreadable
    or unwritable file, a full disk, a name too long) as an ``OSError``: both exit 2 with the
    place and the reason. SIGTERM and SIGHUP unwind like Ctrl-C, removing temporary files.
    """
    from detente.output import install_signal_cleanup

    install_signal_cleanup()
    _plain_streams()
    args = sys.argv[1:] if argv is None else argv
    _register(_modules_for(args))
    try:
        _command()(args=args, prog_name="detente")
    except InputError as exc:
        from detente.cli.common import locate

        _error(str(InputError(locate(exc.problems))))
        sys.exit(2)
    except DetenteError as exc:
        _error(str(exc))
        sys.exit(2)
    except OSError as exc:
        where = exc.filename if exc.filename is not None else ""
        reason = exc.strerror or str(exc)
        _error(f"{where}: {reason}" if where else reason)
        sys.exit(2)
    except MemoryError:
        _error("out of memory: try fewer --runs or a smaller table")
        sys.exit(2)
