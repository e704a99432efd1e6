"""Running the ``detente`` command in tests: as a subprocess, or in-process with captured output."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from detente.cli import main


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m detente ARGS`` through the real entry point (wide console, no plot window)."""
    env = {**os.environ, "COLUMNS": "200", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "detente", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def call_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``detente.cli.main(ARGS)`` in-process: exit status, stdout and stderr."""
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def invoke(*args: str | Path) -> tuple[int, str, str]:
    """``detente.cli.main(ARGS)`` in-process, as :func:`run_cli` runs it in a subprocess (a wide
    console, fresh consoles, no plot window), without pytest's ``capsys`` (so usable in a module-
    or session-scoped fixture): exit status, stdout and stderr.

    Use it where a subprocess adds nothing but the interpreter's start-up (imports and world
    loading, about 2 s of CPU each); :func:`run_cli` stays for what only a process shows (output
    written below Python's ``sys.stdout``, the ``python -m detente`` entry point itself).
    """
    from detente.cli import common

    out, err = io.StringIO(), io.StringIO()
    code = 0
    consoles = [(c, c.__dict__.get("_console")) for c in (common.console, common.err_console)]
    saved = {k: os.environ.get(k) for k in ("COLUMNS", "MPLBACKEND")}
    os.environ.update(COLUMNS="200", MPLBACKEND="Agg")
    for console, _ in consoles:
        console.__dict__["_console"] = None  # made again on first use, on the redirected streams
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(map(str, args)))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        for console, held in consoles:
            console.__dict__["_console"] = held
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return code, out.getvalue(), err.getvalue()


def run_in_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """:func:`invoke` with :func:`run_cli`'s result type."""
    code, out, err = invoke(*args)
    return subprocess.CompletedProcess(["detente", *map(str, args)], code, out, err)
