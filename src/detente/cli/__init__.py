"""The ``detente`` command line: a thin layer that parses, calls the library, and prints.

Each command family lives in its own module and registers itself on the root app. Errors caused by
the user's input (``DetenteError``) are printed without a traceback and exit with status 2.
"""

from __future__ import annotations

import copy
import importlib
import logging
import os
import sys
import typing
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
    "ledger": "ledger",
}
_registered: set[str] = set()


def _register(modules: Sequence[str]) -> None:
    for name in modules:
        if name not in _registered:
            importlib.import_module(f"detente.cli.{name}").register(app)
            _registered.add(name)


_BUILT: dict[tuple[frozenset[str], tuple[str, ...]], Any] = {}


def _command(path: Sequence[str] = ()) -> Any:
    """The click command of ``app`` with the modules registered so far, built once per set.

    With ``path`` (from :func:`_path_of`), only that command, or that group and its one
    subcommand, is built: Typer builds a command by reading its function's signature and
    evaluating its annotations, and building the 14 commands of ``world`` to run one of them was
    a tenth of ``detente world members``. A process that runs many commands, such as the test
    suite, builds each tree once.
    """
    key = (frozenset(_registered), tuple(path))
    if key not in _BUILT:
        tree = _pruned(app, path) if path else app
        _resolve_annotations(tree)
        command = typer.main.get_command(tree)
        _name_metavars(command)
        _BUILT[key] = command
    return _BUILT[key]


def _resolve_annotations(typer_app: typer.Typer) -> None:
    """Evaluate the annotations of every function of the tree once, in place.

    The CLI modules use ``from __future__ import annotations``, so each annotation is a string,
    and Typer evaluates every one four times while building a command (a signature with
    ``eval_str`` and ``get_type_hints``, twice), compiling the string each time: two thirds of
    the build. The objects are those Typer would evaluate (``Annotated`` kept); it copies the
    ``typer.Option`` in them before changing one, so sharing them between builds is safe.
    """
    functions = [c.callback for c in typer_app.registered_commands]
    if typer_app.registered_callback is not None:
        functions.append(typer_app.registered_callback.callback)
    for group in typer_app.registered_groups:
        if isinstance(group.typer_instance, typer.Typer):
            _resolve_annotations(group.typer_instance)
    for function in functions:
        if function is not None and not getattr(function, "_detente_resolved", False):
            function.__annotations__ = typing.get_type_hints(function, include_extras=True)
            setattr(function, "_detente_resolved", True)  # noqa: B010 - a function's own attribute


#: Arguments for which click needs the whole tree (help lists every command; completion offers
#: them), and the ``--`` that ends the options.
_WHOLE_TREE = frozenset({"--help", "-h", "--install-completion", "--show-completion", "--"})


def _path_of(argv: Sequence[str]) -> tuple[str, ...]:
    """The command, or group and subcommand, that ``argv`` names, when building only that
    part of the tree cannot change what click does; else ``()`` (build everything).

    The root's options (``-v``, ``-q``, ``--version``) take no value, so the first word that is
    not an option names the command; a group's subcommand must come right after it. A name
    that is not exactly a registered one, help, and shell completion all get the whole tree, so
    "no such command" hints and help pages stay complete.
    """
    if _WHOLE_TREE.intersection(argv) or any(k.endswith("_COMPLETE") for k in os.environ):
        return ()
    at = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if at is None:
        return ()
    path = [argv[at]]
    if at + 1 < len(argv) and not argv[at + 1].startswith("-"):
        path.append(argv[at + 1])
    return tuple(path)


def _pruned(typer_app: typer.Typer, path: Sequence[str]) -> typer.Typer:
    """A shallow copy of ``typer_app`` holding only the command or group ``path[0]`` (and, in
    a group, only its subcommand ``path[1]``); ``typer_app`` itself when ``path[0]`` is not
    exactly one registered name."""
    commands = [
        c
        for c in typer_app.registered_commands
        if c.callback is not None
        and (c.name or typer.main.get_command_name(c.callback.__name__)) == path[0]
    ]
    groups = [g for g in typer_app.registered_groups if g.name == path[0]]
    if len(commands) + len(groups) != 1:
        return typer_app
    pruned = copy.copy(typer_app)
    pruned.registered_commands = commands
    pruned.registered_groups = groups
    if groups and len(path) > 1 and isinstance(groups[0].typer_instance, typer.Typer):
        group = copy.copy(groups[0])
        group.typer_instance = _pruned(groups[0].typer_instance, path[1:])
        pruned.registered_groups = [group]
    return pruned


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
    "--history": "PATH",
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
    "ledger": "LEDGER",
    "questions": "PATH",
    "outcomes": "PATH",
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
        _command(_path_of(args))(args=args, prog_name="detente")
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
